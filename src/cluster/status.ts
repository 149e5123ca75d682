import { describeDesired, locate } from "./apply.ts";
import type { KubeClient } from "./client.ts";
import { Discovery } from "./discovery.ts";
import { ObjectRejectedError } from "./errors.ts";
import { mapLimit } from "./limit.ts";
import type { DesiredEnvironment } from "./manifests.ts";
import { hasReadinessRule, readinessOf } from "./readiness.ts";
import { SECRETS_APP } from "./secrets-app.ts";
import { type AppChange, appChange, type ClusterRecord, readLiveState } from "./state.ts";

export interface AppStatus {
  name: string;
  /** The cluster holds what is rendered now: same content hash, last apply finished, every object present. */
  inSync: boolean;
  change: AppChange;
  ready: boolean;
  objects: number;
  missing: string[];
  notReady: { object: string; reason: string }[];
}

export interface ClusterStatus {
  cluster: ClusterRecord;
  apps: AppStatus[];
  /** Apps the cluster has that the definition does not (the next `up` removes them). */
  removed: string[];
  /** Every app in sync and ready, none removed: what `kindling status` exits 0 for. */
  healthy: boolean;
}

/** A Job whose TTL deletes it once finished: gone after an `up` that saw it complete is not missing. */
export function finishedJobCleanedUp(o: DesiredEnvironment["apps"][number]["objects"][number]): boolean {
  if (o.kind !== "Job" || !o.apiVersion.startsWith("batch/")) return false;
  return typeof (o.object.spec as { ttlSecondsAfterFinished?: unknown } | undefined)?.ttlSecondsAfterFinished === "number";
}

/** In sync: the record matches and nothing is missing; ready: nothing missing and every object ready. */
function appStatus(name: string, change: AppChange, objects: number, missing: string[], notReady: AppStatus["notReady"]): AppStatus {
  missing.sort();
  notReady.sort((a, b) => a.object.localeCompare(b.object));
  return {
    name,
    inSync: change === "unchanged" && missing.length === 0,
    change,
    ready: missing.length === 0 && notReady.length === 0,
    objects,
    missing,
    notReady,
  };
}

/**
 * Per app: in sync (hash record + every object exists) and ready (the same
 * rules `up` waits for, checked once). One LIST for the records, one GET per
 * object, a bounded number at a time.
 */
export async function clusterStatus(client: KubeClient, desired: DesiredEnvironment): Promise<ClusterStatus> {
  const live = await readLiveState(client);
  const discovery = new Discovery(client);
  const apps = await mapLimit(desired.apps, 4, async (app): Promise<AppStatus> => {
    const change = appChange(app, live.parents.get(app.name));
    const missing: string[] = [];
    const notReady: AppStatus["notReady"] = [];
    await mapLimit(app.objects, 8, async (o) => {
      let where: Awaited<ReturnType<typeof locate>>;
      try {
        where = await locate({ client, discovery, kindWaitMs: 0 }, o, app.namespace);
      } catch (err) {
        if (err instanceof ObjectRejectedError) {
          missing.push(`${o.kind} ${o.name} (kind not served)`);
          return;
        }
        throw err;
      }
      const obj = await client.getOptional<{ apiVersion: string; kind: string }>(where.path);
      const label = describeDesired(o);
      // A Job with a TTL is deleted once complete; the recorded hash says it completed (up waited for it).
      if (!obj) {
        if (!(change === "unchanged" && finishedJobCleanedUp(o))) missing.push(label);
      } else if (hasReadinessRule(o.apiVersion, o.kind)) {
        const r = readinessOf(obj);
        if (!r.ready) notReady.push({ object: label, reason: r.reason });
      }
    });
    return appStatus(app.name, change, app.objects.length, missing, notReady);
  });
  const names = new Set(desired.apps.map((a) => a.name));
  // The Secrets `up` decrypts and applies as the app "secrets": status does not decrypt, so it checks the
  // record and that every Secret build.json names exists. Not "removed": the definition has it.
  const named = desired.secrets ?? [];
  if (named.length > 0 && !names.has(SECRETS_APP)) {
    names.add(SECRETS_APP);
    const parent = live.parents.get(SECRETS_APP);
    // Without the plaintext there is no hash to compare: the record's own, so only its phase and engine count.
    const change = appChange({ hash: parent?.hash ?? "" }, parent);
    const missing: string[] = [];
    await mapLimit(named, 8, async (n) => {
      const path = `/api/v1/namespaces/${encodeURIComponent(n.namespace)}/secrets/${encodeURIComponent(n.name)}`;
      if (!(await client.getOptional(path))) missing.push(`Secret ${n.namespace}/${n.name}`);
    });
    apps.push(appStatus(SECRETS_APP, change, named.length, missing, []));
  }
  const removed = [...live.parents.keys()].filter((n) => !names.has(n)).sort();
  const healthy = apps.every((a) => a.inSync && a.ready) && removed.length === 0;
  return { cluster: live.cluster, apps, removed, healthy };
}
