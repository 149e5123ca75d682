import type { KubeObject } from "../../model/k8s.ts";

/** A ConfigMap of text files, labelled like the workload that mounts it. */
export function configMap(name: string, labels: Record<string, string>, data: Record<string, string>): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, labels }, data };
}
