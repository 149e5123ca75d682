import type { KubeObject } from "../../model/k8s.ts";
import { headlessName } from "./services.ts";
import { podTemplate } from "./workload.ts";

/** A per-pod volume of `size`; an unset storage class leaves the choice to the cluster default. */
export function volumeClaim(name: string, size: string, storageClass?: string) {
  return {
    metadata: { name },
    spec: {
      accessModes: ["ReadWriteOnce"],
      ...(storageClass ? { storageClassName: storageClass } : {}),
      resources: { requests: { storage: size } },
    },
  };
}

export interface StatefulSetInput {
  name: string;
  labels: Record<string, string>;
  /** The Service that gives the pods their DNS names. @default headlessName(name) */
  serviceName?: string;
  /** @default 1 */
  replicas?: number;
  /** "Parallel" starts all pods together instead of one after the other. */
  podManagementPolicy?: "Parallel";
  pod: Record<string, unknown>;
  /** Pod annotations, e.g. configHashAnnotation(...). */
  podAnnotations?: Record<string, string>;
  volumeClaims: ReturnType<typeof volumeClaim>[];
}

/** A StatefulSet whose pods get stable DNS names through the `<name>-headless` Service (see headlessService) unless serviceName names another. */
export function statefulSet(i: StatefulSetInput): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: i.name, labels: i.labels },
    spec: {
      serviceName: i.serviceName ?? headlessName(i.name),
      replicas: i.replicas ?? 1,
      ...(i.podManagementPolicy ? { podManagementPolicy: i.podManagementPolicy } : {}),
      selector: { matchLabels: i.labels },
      template: podTemplate(i.labels, i.pod, i.podAnnotations),
      volumeClaimTemplates: i.volumeClaims,
    },
  };
}
