import { ENGINE_FORMAT, FIELD_MANAGER, PARENT_NAMESPACE, type ParentRecord, readParent, STATE_LABEL } from "./applyset.ts";
import type { KubeClient } from "./client.ts";
import type { DesiredApp, DesiredEnvironment } from "./manifests.ts";

/**
 * Warm state: what the last `up` left in the cluster. The app hashes live on
 * the ApplySet parents; the cluster-wide facts (which environment, which
 * cluster config) on one ConfigMap, kube-system/kindling-state. All of it
 * carries the label kindling.dev/state, so one LIST reads everything.
 */
export const STATE_CONFIGMAP = "kindling-state";

export interface ClusterRecord {
  env?: string;
  profile?: string;
  /** sha256 of the Kind cluster config the cluster was created from. */
  clusterConfigHash?: string;
  updatedAt?: string;
}

export interface LiveState {
  cluster: ClusterRecord;
  parents: Map<string, ParentRecord>;
}

interface ConfigMap {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  data?: Record<string, string>;
}

const STATE_PATH = `/api/v1/namespaces/${PARENT_NAMESPACE}/configmaps`;

export async function readLiveState(client: KubeClient, opts: { retry?: boolean; timeoutMs?: number } = {}): Promise<LiveState> {
  const list = await client.request<{ items: ConfigMap[] }>({
    path: STATE_PATH,
    query: { labelSelector: STATE_LABEL },
    retry: opts.retry,
    timeoutMs: opts.timeoutMs,
  });
  const parents = new Map<string, ParentRecord>();
  let cluster: ClusterRecord = {};
  for (const cm of list.items) {
    if (cm.metadata.name === STATE_CONFIGMAP) cluster = { ...(cm.data ?? {}) };
    const parent = readParent(cm);
    if (parent) parents.set(parent.app, parent);
  }
  return { cluster, parents };
}

/**
 * Records the cluster-wide facts. Pass the whole record (merge with what was
 * read): under server-side apply, a key kindling stops sending is removed.
 */
export async function recordClusterState(client: KubeClient, record: ClusterRecord): Promise<void> {
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(record)) if (v !== undefined) data[k] = v;
  await client.request({
    method: "PATCH",
    path: `${STATE_PATH}/${STATE_CONFIGMAP}`,
    query: { fieldManager: FIELD_MANAGER, force: true },
    contentType: "application/apply-patch+yaml",
    body: {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: STATE_CONFIGMAP,
        namespace: PARENT_NAMESPACE,
        labels: { [STATE_LABEL]: "cluster", "app.kubernetes.io/managed-by": "kindling" },
      },
      data,
    },
  });
}

export type AppChange = "unchanged" | "new" | "changed" | "interrupted" | "engine-upgraded";

export interface WarmCheck {
  /** Why each app will be applied, or "unchanged". */
  apps: Map<string, AppChange>;
  /** Apps the cluster has from an earlier `up` that the definition no longer has. */
  removed: ParentRecord[];
  upToDate: boolean;
}

export function appChange(app: Pick<DesiredApp, "hash">, parent: ParentRecord | undefined): AppChange {
  if (!parent) return "new";
  if (parent.phase !== "ready" || !parent.hash) return "interrupted";
  if (parent.engine !== ENGINE_FORMAT) return "engine-upgraded";
  return parent.hash === app.hash ? "unchanged" : "changed";
}

/** Compares the rendered environment with the live state: no request, pure. */
export function warmCheck(desired: DesiredEnvironment, live: LiveState): WarmCheck {
  const apps = new Map(desired.apps.map((a) => [a.name, appChange(a, live.parents.get(a.name))]));
  const removed = [...live.parents.values()].filter((p) => !apps.has(p.app));
  const upToDate = removed.length === 0 && [...apps.values()].every((c) => c === "unchanged");
  return { apps, removed, upToDate };
}
