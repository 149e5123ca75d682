import type { KubeObject } from "../../model/k8s.ts";
import { podTemplate } from "./workload.ts";

export interface DeploymentInput {
  name: string;
  labels: Record<string, string>;
  replicas: number;
  /** "Recreate" stops the old pod before the new one starts (state that must not be shared). */
  strategy?: { type: "Recreate" };
  pod: Record<string, unknown>;
  /** Pod annotations, e.g. configHashAnnotation(...). */
  podAnnotations?: Record<string, string>;
}

/** A Deployment whose pods carry and are selected by `labels`. */
export function deployment(i: DeploymentInput): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: i.name, labels: i.labels },
    spec: {
      replicas: i.replicas,
      ...(i.strategy ? { strategy: i.strategy } : {}),
      selector: { matchLabels: i.labels },
      template: podTemplate(i.labels, i.pod, i.podAnnotations),
    },
  };
}

/** Keeps one pod up through voluntary disruptions (node drains); only useful with more than one replica. */
export function keepOnePodUp(name: string, labels: Record<string, string>): KubeObject {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name, labels },
    spec: { minAvailable: 1, selector: { matchLabels: labels } },
  };
}
