import type { DesiredEnvironment } from "../../../src/cluster/manifests.ts";

/**
 * An environment of one app, "argocd", whose only object is a Job with
 * ttlSecondsAfterFinished (Argo CD's redis-secret-init: 60 s), rendered at
 * hash "sha256:now": the TTL controller deletes the Job once it completes.
 */
export function ttlJobEnvironment(): DesiredEnvironment {
  const job = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: "redis-secret-init", namespace: "argocd" },
    spec: { ttlSecondsAfterFinished: 60, template: {} },
  };
  const app = {
    name: "argocd",
    namespace: "argocd",
    dependsOn: [],
    syncWave: 0,
    hash: "sha256:now",
    objects: [
      {
        app: "argocd",
        class: "object" as const,
        apiVersion: "batch/v1",
        kind: "Job",
        name: "redis-secret-init",
        namespace: "argocd",
        file: "argocd/Job-redis-secret-init.yaml",
        text: "",
        object: job,
      },
    ],
  };
  return { dir: "/o", platform: "p", env: "local", profile: "full", apps: [app], applications: [] };
}
