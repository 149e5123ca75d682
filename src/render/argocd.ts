import type { KubeObject } from "../model/k8s.ts";

export const ARGOCD_NAMESPACE = "argocd";

export interface ApplicationInput {
  app: string;
  namespace: string;
  env: string;
  syncWave: number;
  repoURL: string;
  revision: string;
  /** Path of manifests-result/ inside the repository. */
  outPath: string;
}

/**
 * One Argo CD Application per app folder (the Nixidy layout). Sync waves
 * follow the dependency graph; server-side apply because some CRDs are too
 * large for the last-applied annotation; retries back off instead of
 * hammering an API server that is still starting.
 */
export function applicationFor(input: ApplicationInput): KubeObject {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: {
      name: input.app,
      namespace: ARGOCD_NAMESPACE,
      annotations: { "argocd.argoproj.io/sync-wave": String(input.syncWave) },
      finalizers: ["resources-finalizer.argocd.argoproj.io"],
    },
    spec: {
      project: "default",
      source: {
        repoURL: input.repoURL,
        targetRevision: input.revision,
        path: `${input.outPath}/${input.env}/${input.app}`,
      },
      destination: { server: "https://kubernetes.default.svc", namespace: input.namespace },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ["ServerSideApply=true", "CreateNamespace=false"],
        retry: { limit: 5, backoff: { duration: "5s", factor: 2, maxDuration: "3m" } },
      },
    },
  };
}

/**
 * Depth of each app in the dependency graph (0 for apps that depend on
 * nothing). Throws on a missing dependency or a cycle, naming the apps.
 */
export function syncWaves(apps: { name: string; dependsOn: string[] }[]): Map<string, number> {
  const byName = new Map(apps.map((a) => [a.name, a]));
  const waves = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (name: string, trail: string[]): number => {
    const known = waves.get(name);
    if (known !== undefined) return known;
    const app = byName.get(name);
    if (!app) throw new Error(`app ${trail.at(-1)} depends on ${name}, which is not present in this environment`);
    if (visiting.has(name)) throw new Error(`apps depend on each other in a cycle: ${[...trail, name].join(" → ")}`);
    visiting.add(name);
    const wave = app.dependsOn.reduce((max, dep) => Math.max(max, visit(dep, [...trail, name]) + 1), 0);
    visiting.delete(name);
    waves.set(name, wave);
    return wave;
  };
  for (const app of apps) visit(app.name, []);
  return waves;
}
