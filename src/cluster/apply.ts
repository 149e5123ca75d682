import { setTimeout as sleep } from "node:timers/promises";
import { describeObject, type KubeObject, splitApiVersion } from "../model/k8s.ts";
import { APPLYSET_PART_OF_LABEL, FIELD_MANAGER } from "./applyset.ts";
import type { KubeClient } from "./client.ts";
import { type Discovery, objectPath, type ResourceMapping, UnknownKindError } from "./discovery.ts";
import { ApiError, ObjectRejectedError } from "./errors.ts";
import type { DesiredObject } from "./manifests.ts";

export interface ApplyContext {
  client: KubeClient;
  discovery: Discovery;
  /**
   * How long to wait for a kind the API server does not serve yet: its CRD
   * may be installed by this run, or registered by an operator at runtime
   * (Cilium's operator creates the cilium.io CRDs when it starts).
   */
  kindWaitMs?: number;
  /** Progress lines, such as which kind is being waited for. */
  log?: (line: string) => void;
}

export interface AppliedObject {
  desired: DesiredObject;
  apiVersion: string;
  kind: string;
  mapping: ResourceMapping;
  path: string;
  namespace?: string;
  /** "Deployment edge/traefik" */
  describe: string;
  /** The object as the server stored it (or would store it, on a dry run). */
  live: KubeObject;
}

/** Default of ApplyContext.kindWaitMs: an operator's CRDs appear within seconds of it starting, on a slow laptop within a minute. */
export const KIND_WAIT_MS = 60_000;

/** Resolves where an object lives: REST path and effective namespace. */
export async function locate(ctx: ApplyContext, d: DesiredObject, defaultNamespace: string) {
  let mapping: ResourceMapping;
  try {
    mapping = await ctx.discovery.mappingFor(d.apiVersion, d.kind, {
      waitMs: ctx.kindWaitMs ?? KIND_WAIT_MS,
      onWait: () => ctx.log?.(`waiting for the API server to serve ${d.kind} (${d.apiVersion}), for ${d.file}`),
    });
  } catch (err) {
    if (err instanceof UnknownKindError) throw new ObjectRejectedError(d.app, describeDesired(d), d.file, err.message);
    throw err;
  }
  const namespace = mapping.namespaced ? (d.namespace ?? defaultNamespace) : undefined;
  return { mapping, namespace, path: objectPath(mapping, d.name, namespace) };
}

export function describeDesired(d: DesiredObject): string {
  return describeObject({ kind: d.kind, metadata: { name: d.name, namespace: d.namespace } });
}

/**
 * Server-side apply of one object under kindling's field manager, with the
 * ApplySet membership label added. force=true: kindling is the source of
 * truth for the fields it sets (other managers keep theirs, e.g. the HPA's
 * replicas). A rejection becomes ObjectRejectedError naming the object, its
 * file and the server's message; transient failures were already retried by
 * the client.
 */
export async function applyObject(
  ctx: ApplyContext,
  d: DesiredObject,
  opts: { partOf: string; defaultNamespace: string; dryRun?: boolean },
): Promise<AppliedObject> {
  const { mapping, namespace, path } = await locate(ctx, d, opts.defaultNamespace);
  const body = withMembership(d.object, opts.partOf, namespace);
  const apply = () =>
    ctx.client.request<KubeObject>({
      method: "PATCH",
      path,
      query: { fieldManager: FIELD_MANAGER, force: true, ...(opts.dryRun ? { dryRun: "All" } : {}) },
      body,
      contentType: "application/apply-patch+yaml",
    });
  try {
    let live: KubeObject;
    try {
      live = await apply();
    } catch (err) {
      if (opts.dryRun || !(await replacedImmutableJob(ctx, d, path, opts.partOf, err))) throw err;
      live = await apply();
    }
    return { desired: d, apiVersion: d.apiVersion, kind: d.kind, mapping, path, namespace, describe: describeDesired(d), live };
  } catch (err) {
    // Anything the server still refuses after the client's retries: name the object and its file.
    if (err instanceof ApiError) throw new ObjectRejectedError(d.app, describeDesired(d), d.file, serverMessage(err));
    throw err;
  }
}

/**
 * A Job's pod template is immutable, and chart Jobs without a content hash in
 * their name (cilium's hubble-generate-certs) keep their name when the
 * template changes: the apply is rejected, for kubectl users too. Argo CD
 * replaces such Jobs; so does kindling, but only a Job of this very ApplySet
 * (never one it did not create): delete it (propagationPolicy Background,
 * preconditioned on its uid), wait until it is gone, and let the caller apply
 * again. Answers whether it did.
 */
async function replacedImmutableJob(ctx: ApplyContext, d: DesiredObject, path: string, partOf: string, err: unknown): Promise<boolean> {
  if (!(err instanceof ApiError) || err.status !== 422 || d.kind !== "Job" || splitApiVersion(d.apiVersion).group !== "batch") return false;
  if (!/field is immutable/.test(err.body.message ?? "")) return false;
  const old = await ctx.client.getOptional<KubeObject>(path);
  if (!old || old.metadata.labels?.[APPLYSET_PART_OF_LABEL] !== partOf) return false;
  await ctx.client
    .request({
      method: "DELETE",
      path,
      query: { propagationPolicy: "Background" },
      body: { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background", preconditions: { uid: old.metadata.uid } },
    })
    .catch((e) => {
      if (!(e instanceof ApiError && (e.status === 404 || e.status === 409))) throw e;
    });
  ctx.log?.(`${describeDesired(d)}: pod template is immutable; deleted the old Job (propagationPolicy Background), applying again`);
  const deadline = Date.now() + 60_000;
  for (let wait = 50; ; wait = Math.min(1_000, wait * 2)) {
    const current = await ctx.client.getOptional<KubeObject>(path);
    if (!current || current.metadata.uid !== old.metadata.uid) return true;
    if (Date.now() > deadline) return false;
    await sleep(wait);
  }
}

export function withMembership(obj: KubeObject, partOf: string, namespace: string | undefined): KubeObject {
  const { namespace: _drop, ...metadata } = obj.metadata;
  return {
    ...obj,
    metadata: {
      ...metadata,
      ...(namespace ? { namespace } : {}),
      labels: { ...(obj.metadata.labels ?? {}), [APPLYSET_PART_OF_LABEL]: partOf },
    },
  };
}

/** The server's own words, with the field-level causes it lists. */
export function serverMessage(err: ApiError): string {
  const causes = err.body.details?.causes ?? [];
  const message = err.body.message ?? err.message;
  const extra = causes.filter((c) => c.message && !message.includes(c.message)).map((c) => `${c.field ? `${c.field}: ` : ""}${c.message}`);
  return `${err.status} ${err.body.reason ?? ""}: ${message}${extra.length ? ` (${extra.join("; ")})` : ""}`.replace(/ : /, ": ");
}
