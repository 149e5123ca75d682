import { APPLYSET_PART_OF_LABEL } from "./applyset.ts";
import type { KubeClient } from "./client.ts";
import { collectionPath, type Discovery, groupKind, objectPath, type ResourceMapping } from "./discovery.ts";
import { ApiError } from "./errors.ts";
import { mapLimit } from "./limit.ts";

export interface LiveMember {
  mapping: ResourceMapping;
  name: string;
  namespace?: string;
  /** "Deployment.apps edge/traefik" */
  describe: string;
}

/** Identity used to compare rendered and live sets: group-kind, namespace, name. */
export function memberKey(group: string, kind: string, namespace: string | undefined, name: string): string {
  return `${groupKind(group, kind)}/${namespace ?? ""}/${name}`;
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
    const list = await client.request<{ items: { metadata: { name: string; namespace?: string } }[] }>({
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
 * Deletes the members that are not in `keep` (memberKey values). Background
 * propagation: owned objects (ReplicaSets, Pods) go with their owner without
 * making `up` wait for them. A member already gone counts as pruned.
 */
export async function pruneMembers(client: KubeClient, members: LiveMember[], keep: Set<string>): Promise<LiveMember[]> {
  const doomed = members.filter((m) => !keep.has(memberKey(m.mapping.group, m.mapping.kind, m.namespace, m.name)));
  for (const rank of [0, 1, 2]) {
    await mapLimit(
      doomed.filter((m) => pruneRank(m) === rank),
      8,
      async (m) => {
        try {
          await client.request({
            method: "DELETE",
            path: objectPath(m.mapping, m.name, m.namespace),
            body: { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background" },
          });
        } catch (err) {
          if (!(err instanceof ApiError && err.status === 404)) throw err;
        }
      },
    );
  }
  return doomed;
}
