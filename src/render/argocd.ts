import { ARGOCD_NAMESPACE, IN_CLUSTER, kindlingSyncPolicy } from "../components/lib/argocd-sync.ts";
import type { KubeObject } from "../model/k8s.ts";
import { PRIVILEGED_WORKLOADS, type PrivilegedWorkload } from "../policy/privileged.ts";
import { classify } from "./transforms.ts";

export { ARGOCD_NAMESPACE };

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
 * follow the dependency graph and the app tiers below; the sync policy
 * (server-side apply for large CRDs, retry with backoff) is shared with the
 * root app of apps.
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
      destination: { server: IN_CLUSTER, namespace: input.namespace },
      syncPolicy: kindlingSyncPolicy(),
    },
  };
}

/**
 * Tiers of apps in sync order. Node networking (the CNI, the mesh's node
 * agents) first: no pod gets a working network before it. Then apps that
 * bring CRDs: custom resources anywhere else need them, and an app may use a
 * CRD without declaring a dependency on the app that ships it. Everything
 * else last.
 */
export const APP_TIERS = { network: 0, crds: 1, workloads: 2 } as const;

/**
 * The tier an app's objects put it in. Node networking is recognised by
 * holding a workload of the privileged list (src/policy/privileged.ts),
 * which names exactly the CNI and mesh node agents.
 */
export function appTier(objects: readonly KubeObject[], privileged: readonly PrivilegedWorkload[] = PRIVILEGED_WORKLOADS): number {
  const isPrivileged = (o: KubeObject) =>
    privileged.some(
      (p) =>
        p.kind === o.kind &&
        p.namespace === o.metadata.namespace &&
        (typeof p.name === "string" ? p.name === o.metadata.name : p.name.test(o.metadata.name)),
    );
  if (objects.some(isPrivileged)) return APP_TIERS.network;
  if (objects.some((o) => classify(o) === "crd")) return APP_TIERS.crds;
  return APP_TIERS.workloads;
}

export interface WaveInput {
  name: string;
  dependsOn: string[];
  /** APP_TIERS value; apps without one are workloads. */
  tier?: number;
}

/**
 * Argo CD sync wave of each app. Within a tier an app's wave is its depth in
 * the dependency graph; every app of a later tier comes after every app of an
 * earlier one. An app that an earlier-tier app depends on is pulled into that
 * tier (the CNI's namespace must exist before the CNI), so dependencies always
 * sync first. Throws on a missing dependency or a cycle, naming the apps.
 */
export function syncWaves(apps: WaveInput[]): Map<string, number> {
  const order = dependencyOrder(apps);
  const byName = new Map(apps.map((a) => [a.name, a]));

  // Dependents before dependencies: pull each dependency into its dependent's tier.
  const tier = new Map(apps.map((a) => [a.name, a.tier ?? APP_TIERS.workloads]));
  for (const name of [...order].reverse()) {
    const own = tier.get(name) as number;
    for (const dep of byName.get(name)?.dependsOn ?? []) tier.set(dep, Math.min(tier.get(dep) as number, own));
  }

  const waves = new Map<string, number>();
  let floor = 0;
  for (const t of [...new Set(tier.values())].sort((a, b) => a - b)) {
    let highest = floor - 1;
    for (const name of order) {
      if (tier.get(name) !== t) continue;
      const deps = byName.get(name)?.dependsOn ?? [];
      const wave = deps.reduce((max, dep) => Math.max(max, (waves.get(dep) as number) + 1), floor);
      waves.set(name, wave);
      highest = Math.max(highest, wave);
    }
    floor = highest + 1;
  }
  return waves;
}

/** Every app after the apps it depends on; throws on a missing dependency or a cycle. */
function dependencyOrder(apps: WaveInput[]): string[] {
  const byName = new Map(apps.map((a) => [a.name, a]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const order: string[] = [];
  const visit = (name: string, trail: string[]) => {
    if (done.has(name)) return;
    const app = byName.get(name);
    if (!app) throw new Error(`app ${trail.at(-1)} depends on ${name}, which is not present in this environment`);
    if (visiting.has(name)) throw new Error(`apps depend on each other in a cycle: ${[...trail, name].join(" → ")}`);
    visiting.add(name);
    for (const dep of app.dependsOn) visit(dep, [...trail, name]);
    visiting.delete(name);
    done.add(name);
    order.push(name);
  };
  for (const app of apps) visit(app.name, []);
  return order;
}
