import { stringify } from "yaml";
import { toYaml } from "../render/serialize.ts";
import { applyObject, describeDesired, locate, withMembership } from "./apply.ts";
import { appApplySetId } from "./applyset.ts";
import type { KubeClient } from "./client.ts";
import { Discovery } from "./discovery.ts";
import { ObjectRejectedError } from "./errors.ts";
import { mapLimit } from "./limit.ts";
import type { DesiredEnvironment, DesiredObject } from "./manifests.ts";
import { keptKeys, listMembers, prunable } from "./prune.ts";
import { appChange, readLiveState } from "./state.ts";
import { finishedJobCleanedUp } from "./status.ts";
import { unifiedDiff } from "./text-diff.ts";

export type DiffAction = "create" | "change" | "prune" | "same";

export interface ObjectDiff {
  object: string;
  file?: string;
  action: DiffAction;
  /** Unified diff, live (---) against what `up` would make of it (+++). */
  diff?: string;
  /** Why the server would refuse it, when it would. */
  rejected?: string;
}

export interface AppDiff {
  app: string;
  objects: ObjectDiff[];
  /** Any create, change or prune. */
  changed: boolean;
}

/** Fields the server owns or that change on every write: never a difference worth showing. */
function normalize(obj: Record<string, unknown>): Record<string, unknown> {
  const { status: _status, ...rest } = obj;
  const meta = { ...((rest.metadata as Record<string, unknown>) ?? {}) };
  for (const k of ["managedFields", "resourceVersion", "generation", "uid", "creationTimestamp", "selfLink"]) delete meta[k];
  return { ...rest, metadata: meta };
}

/**
 * What `kindling up` would change, per app: each rendered object is
 * dry-run applied (server-side, so defaults and other managers' fields are
 * accounted for exactly as a real apply would) and compared with the live
 * object; live members of the app's ApplySet that are no longer rendered
 * would be pruned.
 */
export async function diffEnvironment(client: KubeClient, desired: DesiredEnvironment, opts: { apps?: string[] } = {}): Promise<AppDiff[]> {
  const live = await readLiveState(client);
  const discovery = new Discovery(client);
  const ctx = { client, discovery, kindWaitMs: 0 };
  const selected = desired.apps.filter((a) => !opts.apps?.length || opts.apps.includes(a.name));
  return mapLimit(selected, 4, async (app) => {
    const parent = live.parents.get(app.name);
    const upToDate = appChange(app, parent) === "unchanged";
    const objects = await mapLimit(app.objects, 8, (o) => diffObject(ctx, o, app.namespace, appApplySetId(app.name), upToDate));
    if (parent) {
      const members = await listMembers(client, discovery, parent);
      for (const m of prunable(members, keptKeys(app.objects))) objects.push({ object: m.describe, action: "prune" });
    }
    return { app: app.name, objects, changed: objects.some((o) => o.action !== "same") };
  });
}

async function diffObject(
  ctx: { client: KubeClient; discovery: Discovery },
  o: DesiredObject,
  defaultNamespace: string,
  partOf: string,
  upToDate: boolean,
): Promise<ObjectDiff> {
  const object = describeDesired(o);
  let path: string;
  let namespace: string | undefined;
  try {
    ({ path, namespace } = await locate(ctx, o, defaultNamespace));
  } catch (err) {
    if (err instanceof ObjectRejectedError) return createDiff(o, partOf, undefined);
    throw err;
  }
  const live = await ctx.client.getOptional<Record<string, unknown>>(path);
  if (!live) {
    // Deleted by its TTL after the recorded `up` saw it complete: `up` would not apply it again.
    if (upToDate && finishedJobCleanedUp(o)) return { object, file: o.file, action: "same" };
    return createDiff(o, partOf, namespace);
  }
  let would: Record<string, unknown>;
  try {
    would = (await applyObject(ctx, o, { partOf, defaultNamespace, dryRun: true })).live as unknown as Record<string, unknown>;
  } catch (err) {
    if (err instanceof ObjectRejectedError) return { object, file: o.file, action: "change", rejected: err.serverMessage };
    throw err;
  }
  const before = stringify(normalize(live), { lineWidth: 0, sortMapEntries: true });
  const after = stringify(normalize(would), { lineWidth: 0, sortMapEntries: true });
  const diff = unifiedDiff(before, after, { from: `live ${object}`, to: `rendered ${o.file}` });
  return diff ? { object, file: o.file, action: "change", diff } : { object, file: o.file, action: "same" };
}

function createDiff(o: DesiredObject, partOf: string, namespace: string | undefined): ObjectDiff {
  const lines = toYaml(withMembership(o.object, partOf, namespace ?? o.namespace))
    .trimEnd()
    .split("\n");
  const diff = [`--- /dev/null`, `+++ rendered ${o.file}`, `@@ -0,0 +1,${lines.length} @@`, ...lines.map((l) => `+${l}`)].join("\n");
  return { object: describeDesired(o), file: o.file, action: "create", diff: `${diff}\n` };
}
