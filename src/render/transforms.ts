import { type KubeObject, splitApiVersion } from "../model/k8s.ts";
import type { SourcedObject } from "./expand.ts";
import type { ObjectClass } from "./types.ts";

/** Namespaces every cluster has; kindling never writes them. */
export const BUILTIN_NAMESPACES = new Set(["default", "kube-system", "kube-public", "kube-node-lease"]);

export const APP_LABEL = "kindling.dev/app";
export const PART_OF_LABEL = "app.kubernetes.io/part-of";

export type ScopeOf = (apiVersion: string, kind: string) => boolean | undefined;

export function classify(obj: KubeObject): ObjectClass {
  if (obj.kind === "CustomResourceDefinition" && splitApiVersion(obj.apiVersion).group === "apiextensions.k8s.io") return "crd";
  if (obj.kind === "Namespace" && obj.apiVersion === "v1") return "namespace";
  return "object";
}

/**
 * Labels every object with the app it belongs to, and marks it part of the
 * platform unless the chart already says what it is part of. Selectors and pod
 * templates are left alone: changing them would break upgrades of existing
 * workloads.
 */
export function addCommonLabels(obj: KubeObject, app: string): KubeObject {
  const labels = { ...(obj.metadata.labels ?? {}) };
  labels[APP_LABEL] = app;
  if (!labels[PART_OF_LABEL]) labels[PART_OF_LABEL] = "kindling";
  return { ...obj, metadata: { ...obj.metadata, labels } };
}

/** Gives namespaced objects that name no namespace the one of their app (or chart release). */
export function fillNamespace(item: SourcedObject, scopeOf: ScopeOf): KubeObject {
  const { object } = item;
  const clusterScoped = scopeOf(object.apiVersion, object.kind);
  if (clusterScoped === true) {
    if (object.metadata.namespace === undefined) return object;
    // A namespace on a cluster-scoped object is ignored by the API server; drop it so the output says what happens.
    const { namespace: _ignored, ...metadata } = object.metadata;
    return { ...object, metadata: metadata as KubeObject["metadata"] };
  }
  if (object.metadata.namespace) return object;
  return { ...object, metadata: { ...object.metadata, namespace: item.defaultNamespace } };
}

/**
 * A Namespace object for every namespace the environment uses but no app
 * declares. Pod Security "restricted" is enforced by default: every workload
 * kindling writes complies, and a component that truly needs more declares its
 * own Namespace with the reason.
 */
export function missingNamespaces(all: KubeObject[]): KubeObject[] {
  const declared = new Set(all.filter((o) => classify(o) === "namespace").map((o) => o.metadata.name));
  const used = new Set<string>();
  for (const o of all) {
    const ns = o.metadata.namespace;
    if (ns && !BUILTIN_NAMESPACES.has(ns) && !declared.has(ns)) used.add(ns);
  }
  return [...used].sort().map((name) => ({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name,
      labels: {
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
      },
    },
  }));
}

/**
 * "<Kind>-<name>.yaml", with the namespace added only when one app holds two
 * objects of the same kind and name in different namespaces. Characters that
 * are awkward in file names (":" in RBAC names) become "_".
 */
export function fileNames(objects: KubeObject[]): string[] {
  const base = objects.map((o) => `${o.kind}-${o.metadata.name}`.replace(/[^A-Za-z0-9._-]/g, "_"));
  const counts = new Map<string, number>();
  for (const b of base) counts.set(b, (counts.get(b) ?? 0) + 1);
  return base.map((b, i) => {
    const ns = objects[i]?.metadata.namespace;
    return `${(counts.get(b) ?? 0) > 1 && ns ? `${b}.${ns}` : b}.yaml`;
  });
}

/** Identity of an object in a cluster: group, kind, namespace, name. */
export function objectKey(o: KubeObject): string {
  return `${splitApiVersion(o.apiVersion).group}/${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
}
