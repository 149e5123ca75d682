/**
 * The minimal shape of a Kubernetes object as kindling moves it through the
 * pipeline. Typed components build richer objects (see kubernetes-models);
 * everything coming from Helm, Kustomize or plain files is only known to have
 * this shape until validation has run.
 */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** "apps/v1" → { group: "apps", version: "v1" }; "v1" → { group: "", version: "v1" }. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf("/");
  if (slash < 0) return { group: "", version: apiVersion };
  return { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** A short human name for an object, used in every message: "Deployment edge/traefik". */
export function describeObject(obj: Pick<KubeObject, "kind" | "metadata">): string {
  const ns = obj.metadata.namespace;
  return `${obj.kind} ${ns ? `${ns}/` : ""}${obj.metadata.name}`;
}
