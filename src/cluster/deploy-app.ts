import { splitApiVersion } from "../model/k8s.ts";
import { type AppliedObject, type ApplyContext, applyObject } from "./apply.ts";
import { appApplySetId, FIELD_MANAGER, PARENT_NAMESPACE, type ParentRecord, parentName, parentObject } from "./applyset.ts";
import { groupKind } from "./discovery.ts";
import { mapLimit } from "./limit.ts";
import type { DesiredApp, DesiredObject } from "./manifests.ts";
import { keptKeys, type LiveMember, listMembers, pruneMembers } from "./prune.ts";
import { waitReady } from "./wait.ts";

export interface DeployOptions {
  env: string;
  /** Readiness timeout for the whole app. */
  timeoutMs: number;
  /** Objects applied at once within the app. */
  concurrency: number;
  /** The parent as the warm check read it (undefined: first apply). */
  previous?: ParentRecord;
  /** CRDs were applied (and are Established) by the CRD step already. */
  crdsApplied?: boolean;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export interface DeployResult {
  app: string;
  applied: number;
  pruned: LiveMember[];
  ms: number;
}

/** The ApplySet scope of an app's rendered objects: group-kinds and namespaces, computed without a request. */
export function appScope(objects: DesiredObject[]): { groupKinds: string[]; namespaces: string[] } {
  const groupKinds = new Set<string>();
  const namespaces = new Set<string>();
  for (const o of objects) {
    groupKinds.add(groupKind(splitApiVersion(o.apiVersion).group, o.kind));
    if (o.namespace) namespaces.add(o.namespace);
  }
  return { groupKinds: [...groupKinds].sort(), namespaces: [...namespaces].sort() };
}

/** Writes the app's ApplySet parent (server-side apply, so it is created or updated alike). */
export async function writeParent(ctx: ApplyContext, app: string, env: string, spec: Parameters<typeof parentObject>[2]): Promise<void> {
  await ctx.client.request({
    method: "PATCH",
    path: `/api/v1/namespaces/${PARENT_NAMESPACE}/configmaps/${parentName(app)}`,
    query: { fieldManager: FIELD_MANAGER, force: true },
    contentType: "application/apply-patch+yaml",
    body: parentObject(app, env, spec),
  });
}

/**
 * The superset scope: the parent must cover both what the cluster may still
 * hold from the last apply and what this apply creates, before anything is
 * created, so that an interruption never leaves a member the next prune
 * cannot find (the ApplySet spec's rule for parents).
 */
export function supersetScope(app: DesiredApp, previous?: ParentRecord) {
  const scope = appScope(app.objects);
  return {
    groupKinds: [...new Set([...scope.groupKinds, ...(previous?.groupKinds ?? [])])],
    namespaces: [...new Set([...scope.namespaces, ...(previous?.namespaces ?? [])])],
  };
}

/** Applies objects class by class: CRDs, then namespaces, then everything else, each class concurrently. */
export async function applyClasses(
  ctx: ApplyContext,
  app: DesiredApp,
  objects: DesiredObject[],
  opts: { concurrency: number; dryRun?: boolean; signal?: AbortSignal },
): Promise<AppliedObject[]> {
  const partOf = appApplySetId(app.name);
  const applied: AppliedObject[] = [];
  for (const cls of ["crd", "namespace", "object"] as const) {
    const batch = objects.filter((o) => o.class === cls);
    applied.push(
      ...(await mapLimit(batch, opts.concurrency, (o) => {
        // Interrupted (Ctrl-C): send nothing more; the parent still says "applying", so the next up redoes the app.
        opts.signal?.throwIfAborted();
        return applyObject(ctx, o, { partOf, defaultNamespace: app.namespace, dryRun: opts.dryRun });
      })),
    );
    // Custom resources of this very app need their CRDs served first.
    if (cls === "crd" && batch.length > 0 && !opts.dryRun) {
      await waitReady(ctx.client, applied, { app: app.name, timeoutMs: 60_000, signal: opts.signal });
    }
  }
  return applied;
}

/**
 * One app, start to finish: parent (applying) → members applied → members no
 * longer rendered pruned → readiness → parent (ready, with the content hash).
 * The hash is written last, so only an app that truly finished counts as
 * up to date; anything interrupted is applied again by the next `up`.
 */
export async function deployApp(ctx: ApplyContext, app: DesiredApp, opts: DeployOptions): Promise<DeployResult> {
  const started = performance.now();
  const log = opts.log ?? (() => {});
  const superset = supersetScope(app, opts.previous);
  await writeParent(ctx, app.name, opts.env, { ...superset, phase: "applying" });

  const objects = opts.crdsApplied ? app.objects.filter((o) => o.class !== "crd") : app.objects;
  // Progress lines of the apply itself (a Job replaced, a kind waited for) carry the app's name.
  const appCtx: ApplyContext = opts.log ? { ...ctx, log: opts.log } : ctx;
  const applied = await applyClasses(appCtx, app, objects, { concurrency: opts.concurrency, signal: opts.signal });
  log(`applied ${applied.length} object(s)`);

  let pruned: LiveMember[] = [];
  if (opts.previous) {
    const keep = keptKeys(app.objects, (o) => o.namespace ?? appliedNamespace(applied, o));
    const members = await listMembers(ctx.client, ctx.discovery, { id: appApplySetId(app.name), ...withParentNamespace(superset) });
    pruned = await pruneMembers(ctx.client, members, keep);
    if (pruned.length) log(`pruned ${pruned.map((m) => m.describe).join(", ")}`);
  }

  await waitReady(ctx.client, applied, {
    app: app.name,
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
    onPending: (pending) => {
      if (pending.length)
        log(`waiting for ${pending.length}: ${pending[0]?.describe} (${pending[0]?.reason})${pending.length > 1 ? ", …" : ""}`);
    },
  });

  const final = appScope(app.objects);
  await writeParent(ctx, app.name, opts.env, { ...final, phase: "ready", hash: app.hash });
  // CRDs applied by the CRD step count as applied by the app: they are its objects.
  return { app: app.name, applied: app.objects.length, pruned, ms: Math.round(performance.now() - started) };
}

function appliedNamespace(applied: AppliedObject[], o: DesiredObject): string | undefined {
  return applied.find((a) => a.desired === o)?.namespace;
}

function withParentNamespace(scope: { groupKinds: string[]; namespaces: string[] }) {
  return { groupKinds: scope.groupKinds, namespaces: [...new Set([PARENT_NAMESPACE, ...scope.namespaces])] };
}

/** Removes an app the definition no longer has: all its members, then its parent. */
export async function removeApp(ctx: ApplyContext, parent: ParentRecord): Promise<LiveMember[]> {
  const members = await listMembers(ctx.client, ctx.discovery, parent);
  const pruned = await pruneMembers(ctx.client, members, new Set());
  await ctx.client
    .request({ method: "DELETE", path: `/api/v1/namespaces/${PARENT_NAMESPACE}/configmaps/${parentName(parent.app)}` })
    .catch((err) => {
      if ((err as { status?: number }).status !== 404) throw err;
    });
  return pruned;
}
