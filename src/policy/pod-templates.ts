import { type KubeObject, splitApiVersion } from "../model/k8s.ts";

/** A pod spec found inside an object, with its field path for messages. */
export interface PodTemplateRef {
  spec: Record<string, unknown>;
  path: string;
}

/** Built-in kinds that carry a pod template at spec.template. */
const TEMPLATE_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController"]);

/**
 * The pod specs an object runs: a Pod's own spec, the template of the
 * built-in workload kinds, a CronJob's job template. Custom resources are not
 * looked into: their pods are created by an operator from fields only that
 * operator understands.
 */
export function podTemplates(object: KubeObject): PodTemplateRef[] {
  const { group } = splitApiVersion(object.apiVersion);
  if (group !== "" && group !== "apps" && group !== "batch") return [];
  const spec = asObject(object.spec);
  if (object.kind === "Pod" && group === "") return [{ spec, path: "spec" }];
  if (TEMPLATE_KINDS.has(object.kind)) return [{ spec: asObject(asObject(spec.template).spec), path: "spec.template.spec" }];
  if (object.kind === "CronJob") {
    const template = asObject(asObject(asObject(spec.jobTemplate).spec).template);
    return [{ spec: asObject(template.spec), path: "spec.jobTemplate.spec.template.spec" }];
  }
  return [];
}

export function isWorkload(object: KubeObject): boolean {
  return podTemplates(object).length > 0;
}

function asObject(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
