import { createHash } from "node:crypto";

/**
 * ApplySets (KEP-3659, the inventory behind `kubectl apply --prune
 * --applyset`): each app has a parent object that records which group-kinds
 * and namespaces its members live in; every member carries the label
 * `applyset.kubernetes.io/part-of=<parent id>`. Pruning lists exactly those
 * members and nothing else, so kindling never deletes an object it did not
 * create, even one with the same labels.
 *
 * Parents are ConfigMaps in kube-system named kindling-app-<app> (kubectl
 * accepts ConfigMap parents too). ConfigMaps rather than Secrets so that the
 * warm check reads every parent and the state record with a single LIST.
 */
export const APPLYSET_ID_LABEL = "applyset.kubernetes.io/id";
export const APPLYSET_PART_OF_LABEL = "applyset.kubernetes.io/part-of";
export const APPLYSET_TOOLING_ANNOTATION = "applyset.kubernetes.io/tooling";
export const APPLYSET_GROUP_KINDS_ANNOTATION = "applyset.kubernetes.io/contains-group-kinds";
export const APPLYSET_NAMESPACES_ANNOTATION = "applyset.kubernetes.io/additional-namespaces";

export const KINDLING_TOOLING = "kindling/v0.1.0";
export const FIELD_MANAGER = "kindling";

/** Everything kindling keeps in the cluster carries this label: one selector finds it all. */
export const STATE_LABEL = "kindling.dev/state";
export const APP_ANNOTATION = "kindling.dev/app";
export const HASH_ANNOTATION = "kindling.dev/content-hash";
export const PHASE_ANNOTATION = "kindling.dev/phase";
export const ENGINE_ANNOTATION = "kindling.dev/engine";

/**
 * Bumped when the way kindling applies changes (labels it adds, field
 * manager…), so that every app is re-applied once after an upgrade even
 * though its rendered files did not change.
 */
export const ENGINE_FORMAT = "1";

export const PARENT_NAMESPACE = "kube-system";

export function parentName(app: string): string {
  return `kindling-app-${app}`;
}

/** base64url(sha256("<name>.<namespace>.<Kind>.<group>")) in the v1 format, exactly as kubectl computes it. */
export function applySetId(name: string, namespace: string, kind = "ConfigMap", group = ""): string {
  const digest = createHash("sha256").update([name, namespace, kind, group].join(".")).digest("base64url");
  return `applyset-${digest}-v1`;
}

export function appApplySetId(app: string): string {
  return applySetId(parentName(app), PARENT_NAMESPACE);
}

/** What a parent records, read back from the cluster. */
export interface ParentRecord {
  app: string;
  id: string;
  groupKinds: string[];
  /** Every namespace members may be in, the parent's own included. */
  namespaces: string[];
  /** The content hash of the last apply that finished and became ready; undefined while applying. */
  hash?: string;
  phase?: string;
  engine?: string;
}

interface ConfigMapLike {
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
}

export function readParent(cm: ConfigMapLike): ParentRecord | undefined {
  const labels = cm.metadata.labels ?? {};
  const annotations = cm.metadata.annotations ?? {};
  const app = annotations[APP_ANNOTATION];
  const id = labels[APPLYSET_ID_LABEL];
  if (!app || !id) return undefined;
  // The spec's rule: trust a parent only if its id is the one computed from its own name and namespace.
  if (cm.metadata.name !== parentName(app) || (cm.metadata.namespace ?? PARENT_NAMESPACE) !== PARENT_NAMESPACE) return undefined;
  if (id !== appApplySetId(app)) return undefined;
  const list = (v: string | undefined) => (v ? v.split(",").filter(Boolean) : []);
  return {
    app,
    id,
    groupKinds: list(annotations[APPLYSET_GROUP_KINDS_ANNOTATION]),
    namespaces: [...new Set([PARENT_NAMESPACE, ...list(annotations[APPLYSET_NAMESPACES_ANNOTATION])])],
    hash: annotations[HASH_ANNOTATION] || undefined,
    phase: annotations[PHASE_ANNOTATION],
    engine: annotations[ENGINE_ANNOTATION],
  };
}

/**
 * The parent as an apply patch. `phase: applying` without a hash is written
 * before any member is touched; `phase: ready` with the hash only after the
 * app is applied, pruned and ready. An interrupted `up` therefore leaves no
 * hash behind, and the next `up` applies the app again.
 */
export function parentObject(
  app: string,
  env: string,
  opts: { groupKinds: string[]; namespaces: string[]; phase: "applying" | "ready"; hash?: string },
) {
  const additional = [...new Set(opts.namespaces)].filter((n) => n !== PARENT_NAMESPACE).sort();
  const annotations: Record<string, string> = {
    [APPLYSET_TOOLING_ANNOTATION]: KINDLING_TOOLING,
    [APPLYSET_GROUP_KINDS_ANNOTATION]: [...new Set(opts.groupKinds)].sort().join(","),
    [APPLYSET_NAMESPACES_ANNOTATION]: additional.join(","),
    [APP_ANNOTATION]: app,
    [PHASE_ANNOTATION]: opts.phase,
    [ENGINE_ANNOTATION]: ENGINE_FORMAT,
  };
  if (opts.hash) annotations[HASH_ANNOTATION] = opts.hash;
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: parentName(app),
      namespace: PARENT_NAMESPACE,
      labels: {
        [APPLYSET_ID_LABEL]: appApplySetId(app),
        [STATE_LABEL]: "applyset-parent",
        "app.kubernetes.io/managed-by": "kindling",
      },
      annotations,
    },
    data: { app, env },
  };
}
