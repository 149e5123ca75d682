import { type KubeObject, splitApiVersion } from "../model/k8s.ts";
import { sha256Hex } from "../tools/hash.ts";
import type { SourcedObject } from "./expand.ts";
import type { ObjectClass } from "./types.ts";

/** Namespaces every cluster has; kindling never writes them. */
const BUILTIN_NAMESPACES = new Set(["default", "kube-system", "kube-public", "kube-node-lease"]);

const APP_LABEL = "kindling.dev/app";
const PART_OF_LABEL = "app.kubernetes.io/part-of";

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
 * are awkward in file names (":" in RBAC names) become "_". Names that still
 * clash (the same kind and name in two API groups, names that differ only in
 * such characters) get the API group, then a short hash of the object's
 * identity, so no two objects ever share a file.
 */
export function fileNames(objects: KubeObject[]): string[] {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, "_");
  const forms = objects.map((o) => {
    const base = safe(`${o.kind}-${o.metadata.name}`);
    const withNs = o.metadata.namespace ? `${base}.${safe(o.metadata.namespace)}` : base;
    const withGroup = `${withNs}.${safe(splitApiVersion(o.apiVersion).group || "core")}`;
    const hash = sha256Hex(objectKey(o)).slice(0, 8);
    return [base, withNs, withGroup, `${withGroup}.${hash}`];
  });
  // Every object starts with the plain form; all holders of a clashing name move to the next form together,
  // so the result does not depend on the order of the objects.
  const level = objects.map(() => 0);
  for (;;) {
    const names = forms.map((f, i) => f[level[i] as number] as string);
    const counts = new Map<string, number>();
    for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
    let changed = false;
    names.forEach((n, i) => {
      if ((counts.get(n) ?? 0) > 1 && (level[i] as number) < 3) {
        level[i] = (level[i] as number) + 1;
        changed = true;
      }
    });
    if (!changed) return names.map((n) => `${n}.yaml`);
  }
}

/** Identity of an object in a cluster: group, kind, namespace, name. */
export function objectKey(o: KubeObject): string {
  return `${splitApiVersion(o.apiVersion).group}/${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
}
