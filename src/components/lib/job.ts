import type { KubeObject } from "../../model/k8s.ts";
import { podTemplate } from "./workload.ts";

export interface JobInput {
  /** Usually carries a content hash: a Job's pod template is immutable, so new content needs a new Job. */
  name: string;
  labels: Record<string, string>;
  /** How long all attempts together may take. */
  activeDeadlineSeconds: number;
  pod: Record<string, unknown>;
}

/** A run-to-completion Job, retried in place (restartPolicy OnFailure) up to six times. */
export function job(i: JobInput): KubeObject {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: i.name, labels: i.labels },
    spec: {
      backoffLimit: 6,
      activeDeadlineSeconds: i.activeDeadlineSeconds,
      template: podTemplate(i.labels, { restartPolicy: "OnFailure", ...i.pod }),
    },
  };
}
