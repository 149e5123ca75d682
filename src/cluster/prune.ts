import { splitApiVersion } from "../model/k8s.ts";
import { APPLYSET_PART_OF_LABEL } from "./applyset.ts";
import type { KubeClient } from "./client.ts";
import { collectionPath, type Discovery, groupKind, objectPath, type ResourceMapping } from "./discovery.ts";
import { ApiError } from "./errors.ts";
import { mapLimit } from "./limit.ts";
import type { DesiredObject } from "./manifests.ts";

export interface LiveMember {
  mapping: ResourceMapping;
  name: string;
  namespace?: string;
  /** "Deployment.apps edge/traefik" */
  describe: string;
  /** The ApplySet it was listed as a member of, and the version listed: a delete must not outrun a change of owner. */
  setId?: string;
  resourceVersion?: string;
}

/** Identity used to compare rendered and live sets: group-kind, namespace, name. */
export function memberKey(group: string, kind: string, namespace: string | undefined, name: string): string {
  return `${groupKind(group, kind)}/${namespace ?? ""}/${name}`;
}

/** The memberKey of every rendered object; `namespaceOf` says where one was applied when its file names no namespace. */
export function keptKeys(
  objects: DesiredObject[],
  namespaceOf: (o: DesiredObject) => string | undefined = (o) => o.namespace,
): Set<string> {
  return new Set(objects.map((o) => memberKey(splitApiVersion(o.apiVersion).group, o.kind, namespaceOf(o), o.name)));
}

/** The members whose key `keep` does not hold: what a prune deletes. */
export function prunable(members: LiveMember[], keep: Set<string>): LiveMember[] {
  return members.filter((m) => !keep.has(memberKey(m.mapping.group, m.mapping.kind, m.namespace, m.name)));
}

const METADATA_ONLY = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

/**
 * Every live member of an ApplySet: one LIST per recorded group-kind, by the
 * part-of label, restricted to the recorded namespaces as the ApplySet spec
 * asks. Metadata only: pruning needs names, not specs.
 */
export async function listMembers(
  client: KubeClient,
  discovery: Discovery,
  set: { id: string; groupKinds: string[]; namespaces: string[] },
): Promise<LiveMember[]> {
  const namespaces = new Set(set.namespaces);
  const lists = await mapLimit(set.groupKinds, 8, async (gk) => {
    const mapping = await discovery.mappingForGroupKind(gk);
    if (!mapping) return [];
    const list = await client.request<{ items: { metadata: { name: string; namespace?: string; resourceVersion?: string } }[] }>({
      path: collectionPath(mapping),
      query: { labelSelector: `${APPLYSET_PART_OF_LABEL}=${set.id}` },
      accept: METADATA_ONLY,
    });
    return list.items
      .filter((i) => !mapping.namespaced || namespaces.has(i.metadata.namespace ?? ""))
      .map((i) => ({
        mapping,
        name: i.metadata.name,
        namespace: mapping.namespaced ? i.metadata.namespace : undefined,
        describe: `${groupKind(mapping.group, mapping.kind)} ${i.metadata.namespace ? `${i.metadata.namespace}/` : ""}${i.metadata.name}`,
        setId: set.id,
        resourceVersion: i.metadata.resourceVersion,
      }));
  });
  return lists.flat();
}

/** Deletion order: workloads and config first, then namespaces, CRDs last (deleting a CRD deletes its objects). */
function pruneRank(m: LiveMember): number {
  if (m.mapping.kind === "CustomResourceDefinition") return 2;
  if (m.mapping.kind === "Namespace" && m.mapping.group === "") return 1;
  return 0;
}

/**
 * Deletes the members that are not in `keep` (keptKeys). Background
 * propagation: owned objects (ReplicaSets, Pods) go with their owner without
 * making `up` wait for them. A member already gone counts as pruned.
 */
export async function pruneMembers(client: KubeClient, members: LiveMember[], keep: Set<string>): Promise<LiveMember[]> {
  const doomed = prunable(members, keep);
  const deleted: LiveMember[] = [];
  for (const rank of [0, 1, 2]) {
    await mapLimit(
      doomed.filter((m) => pruneRank(m) === rank),
      8,
      async (m) => {
        if (await deleteMember(client, m)) deleted.push(m);
      },
    );
  }
  return doomed.filter((m) => deleted.includes(m));
}

/**
 * Deletes one member with the resourceVersion it was listed at as a
 * precondition. Another app applied concurrently may have taken the object
 * over since (its part-of label now names that app's set): then the delete
 * conflicts, and the object is left alone. A conflict from any other change
 * (a controller's write) is retried at the new version while the object is
 * still a member. False when the object was left alone.
 */
async function deleteMember(client: KubeClient, m: LiveMember): Promise<boolean> {
  const path = objectPath(m.mapping, m.name, m.namespace);
  let resourceVersion = m.resourceVersion;
  for (let attempt = 1; ; attempt++) {
    try {
      await client.request({
        method: "DELETE",
        path,
        body: {
          kind: "DeleteOptions",
          apiVersion: "v1",
          propagationPolicy: "Background",
          ...(resourceVersion ? { preconditions: { resourceVersion } } : {}),
        },
      });
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return true;
      if (!(err instanceof ApiError && err.status === 409 && m.setId) || attempt >= 5) throw err;
    }
    const live = await client.getOptional<{ metadata: { resourceVersion?: string; labels?: Record<string, string> } }>(path);
    if (!live) return true;
    if (live.metadata.labels?.[APPLYSET_PART_OF_LABEL] !== m.setId) return false;
    resourceVersion = live.metadata.resourceVersion;
  }
}
