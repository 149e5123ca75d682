import type { KubeObject } from "../../model/k8s.ts";
import { ARGOCD_NAMESPACE, IN_CLUSTER, kindlingSyncPolicy } from "./argocd-sync.ts";

export interface RootApplicationInput {
  /** Name of the root Application. */
  name: string;
  repoURL: string;
  revision: string;
  /** manifests-result/<env> inside the repository. */
  envPath: string;
}

/**
 * The app of apps: one Application that syncs manifests-result/<env>/apps,
 * where the render pipeline writes an Application per app with its sync wave.
 * Chosen over an ApplicationSet because the Applications it creates keep
 * their sync-wave annotations and the root waits on each wave (the health
 * check in argocd-sync.ts); an ApplicationSet's git generator creates all
 * Applications at once and orders them only with the alpha progressive-sync
 * feature.
 *
 * No resources-finalizer here: deleting the root must not cascade into
 * deleting the whole platform. The per-app Applications carry it.
 */
export function rootApplication(input: RootApplicationInput): KubeObject {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: {
      name: input.name,
      namespace: ARGOCD_NAMESPACE,
      // After Argo CD's own workloads in the same sync: the root is useless until the controller runs.
      annotations: { "argocd.argoproj.io/sync-wave": "1" },
    },
    spec: {
      project: "default",
      source: {
        repoURL: input.repoURL,
        targetRevision: input.revision,
        path: `${input.envPath}/apps`,
        directory: { recurse: false },
      },
      destination: { server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE },
      syncPolicy: kindlingSyncPolicy(),
    },
  };
}
