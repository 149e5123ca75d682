import { setTimeout as sleep } from "node:timers/promises";
import { splitApiVersion } from "../model/k8s.ts";
import type { KubeClient } from "./client.ts";
import { ApiError } from "./errors.ts";

/** How a kind is served: the REST resource and whether it lives in namespaces. */
export interface ResourceMapping {
  group: string;
  version: string;
  kind: string;
  /** Plural resource name: "deployments". */
  resource: string;
  namespaced: boolean;
}

interface ApiResourceList {
  resources?: { name: string; kind: string; namespaced: boolean }[];
}

const REFETCH_INTERVAL_MS = 200;

export class UnknownKindError extends Error {
  constructor(
    readonly apiVersion: string,
    readonly kind: string,
  ) {
    super(`the API server does not serve ${kind} in ${apiVersion} (is its CRD installed and Established?)`);
    this.name = "UnknownKindError";
  }
}

/**
 * Maps (apiVersion, kind) to a REST resource. One request per group-version,
 * fetched on first use and shared by every caller of the run. A miss
 * refetches that group-version (CRDs installed by this very run, or
 * registered by an operator at runtime, appear only later); callers waiting
 * for the same kind share one refetch at a time.
 */
export class Discovery {
  private readonly byGroupVersion = new Map<string, Promise<Map<string, ResourceMapping> | undefined>>();
  private readonly fetchedAt = new Map<string, number>();
  private readonly announced = new Set<string>();

  constructor(private readonly client: KubeClient) {}

  async mappingFor(apiVersion: string, kind: string, opts: { waitMs?: number; onWait?: () => void } = {}): Promise<ResourceMapping> {
    const deadline = Date.now() + (opts.waitMs ?? 0);
    const first = (await this.groupVersion(apiVersion))?.get(kind);
    if (first) return first;
    let waited = false;
    for (;;) {
      const found = (await this.refetch(apiVersion))?.get(kind);
      if (found) return found;
      if (Date.now() >= deadline) throw new UnknownKindError(apiVersion, kind);
      // Many objects of one kind may wait at once: say so once.
      if (!waited && !this.announced.has(`${apiVersion}/${kind}`)) {
        this.announced.add(`${apiVersion}/${kind}`);
        opts.onWait?.();
      }
      waited = true;
      await sleep(REFETCH_INTERVAL_MS);
    }
  }

  /** A fresh copy of a group-version, unless one was fetched (or is being fetched) in the last interval. */
  private refetch(apiVersion: string): Promise<Map<string, ResourceMapping> | undefined> {
    const at = this.fetchedAt.get(apiVersion) ?? 0;
    if (Date.now() - at >= REFETCH_INTERVAL_MS) this.byGroupVersion.delete(apiVersion);
    return this.groupVersion(apiVersion);
  }

  /** The mapping when the kind is served now, else undefined; never waits. */
  async tryMappingFor(apiVersion: string, kind: string): Promise<ResourceMapping | undefined> {
    try {
      return await this.mappingFor(apiVersion, kind);
    } catch (err) {
      if (err instanceof UnknownKindError) return undefined;
      throw err;
    }
  }

  /**
   * A group-kind ("Deployment.apps") at the group's preferred version, as
   * the ApplySet annotations record kinds without versions. Undefined when the
   * group or kind is not served any more (its CRD was deleted, and with it
   * every object of the kind: nothing left to prune).
   */
  async mappingForGroupKind(gk: string): Promise<ResourceMapping | undefined> {
    const { group, kind } = parseGroupKind(gk);
    if (!group) return this.tryMappingFor("v1", kind);
    let preferred = this.preferredVersions.get(group);
    if (!preferred) {
      preferred = this.client
        .getOptional<{ preferredVersion?: { groupVersion?: string } }>(`/apis/${group}`)
        .then((g) => g?.preferredVersion?.groupVersion);
      this.preferredVersions.set(group, preferred);
    }
    const apiVersion = await preferred;
    return apiVersion ? this.tryMappingFor(apiVersion, kind) : undefined;
  }

  private readonly preferredVersions = new Map<string, Promise<string | undefined>>();

  private groupVersion(apiVersion: string): Promise<Map<string, ResourceMapping> | undefined> {
    let pending = this.byGroupVersion.get(apiVersion);
    if (!pending) {
      this.fetchedAt.set(apiVersion, Date.now());
      pending = this.fetchGroupVersion(apiVersion);
      this.byGroupVersion.set(apiVersion, pending);
      // A failed fetch must not poison the cache for the rest of the run.
      pending.catch(() => this.byGroupVersion.delete(apiVersion));
    }
    return pending;
  }

  private async fetchGroupVersion(apiVersion: string): Promise<Map<string, ResourceMapping> | undefined> {
    const { group, version } = splitApiVersion(apiVersion);
    const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
    let list: ApiResourceList;
    try {
      list = await this.client.get<ApiResourceList>(path);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 503)) return undefined;
      throw err;
    }
    const kinds = new Map<string, ResourceMapping>();
    for (const r of list.resources ?? []) {
      if (r.name.includes("/")) continue; // subresources: deployments/status
      kinds.set(r.kind, { group, version, kind: r.kind, resource: r.name, namespaced: r.namespaced });
    }
    return kinds;
  }
}

/** "/apis/apps/v1/namespaces/edge/deployments" (namespace omitted: all namespaces, or cluster-scoped). */
export function collectionPath(m: ResourceMapping, namespace?: string): string {
  const root = m.group ? `/apis/${m.group}/${m.version}` : `/api/${m.version}`;
  return `${root}${m.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ""}/${m.resource}`;
}

export function objectPath(m: ResourceMapping, name: string, namespace?: string): string {
  return `${collectionPath(m, namespace)}/${encodeURIComponent(name)}`;
}

/** "Deployment.apps", "Service": the group-kind notation of the ApplySet annotations. */
export function groupKind(group: string, kind: string): string {
  return group ? `${kind}.${group}` : kind;
}

export function parseGroupKind(gk: string): { group: string; kind: string } {
  const dot = gk.indexOf(".");
  return dot < 0 ? { group: "", kind: gk } : { kind: gk.slice(0, dot), group: gk.slice(dot + 1) };
}
