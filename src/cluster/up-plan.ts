/**
 * The shape of `kindling up`: which steps exist and what each needs. Kept
 * apart from what the steps do (up.ts) so `up --dry-run` can list the plan and
 * estimate its critical path without a cluster.
 *
 *   render ─┐
 *   connect ┴→ warm-check → preflight → cluster-delete → cluster-create → api-ready ─┬→ crds ─┐
 *                              └→ images-pull ─────────→ images-load ─────────────────┤        ├→ app:<a> → app:<b> … → prune-removed → record-state
 *                                                                                     └→ cni ──┘
 *
 * The CNI app (cilium) and the apps it depends on are applied right after
 * the CRDs, before `cni` waits for the nodes to be Ready; every other app
 * waits for both. Apps follow their
 * dependsOn edges; apps that do not depend on each other run at once.
 */
export interface PlannedStep {
  name: string;
  deps: string[];
  describe: string;
}

export interface PlanApp {
  name: string;
  dependsOn: string[];
}

/** Apps that install the cluster network: applied before the nodes can become Ready. */
export const CNI_APPS = new Set(["cilium"]);

export function appStep(app: string): string {
  return `app:${app}`;
}

/** The CNI apps and everything they depend on (the namespaces app, say): these cannot wait for the network. */
export function beforeNetwork(apps: PlanApp[]): Set<string> {
  const byName = new Map(apps.map((a) => [a.name, a]));
  const out = new Set<string>();
  const visit = (name: string) => {
    if (out.has(name) || !byName.has(name)) return;
    out.add(name);
    for (const d of byName.get(name)?.dependsOn ?? []) visit(d);
  };
  for (const a of apps) if (CNI_APPS.has(a.name)) visit(a.name);
  return out;
}

export function upPlan(apps: PlanApp[]): PlannedStep[] {
  const appNames = new Set(apps.map((a) => a.name));
  const cniApps = apps.filter((a) => CNI_APPS.has(a.name)).map((a) => appStep(a.name));
  const preNetwork = beforeNetwork(apps);
  const steps: PlannedStep[] = [
    { name: "render", deps: [], describe: "render the environment (kindling build) and read manifests-result/<env>/" },
    { name: "connect", deps: [], describe: "find the cluster's kubeconfig context and read kindling's state from it (one LIST)" },
    {
      name: "warm-check",
      deps: ["render", "connect"],
      describe: "compare app hashes and the cluster config hash with the cluster's record",
    },
    {
      name: "preflight",
      deps: ["warm-check"],
      describe: "Docker engine, kind, free host ports, Docker memory, inotify limits (only before creating a cluster)",
    },
    { name: "cluster-delete", deps: ["preflight"], describe: "delete the Kind cluster (only with --recreate)" },
    { name: "cluster-create", deps: ["cluster-delete"], describe: "kind create cluster --config <generated config>" },
    { name: "images-pull", deps: ["preflight"], describe: "pull the images of changed apps into Docker, while the cluster starts" },
    { name: "api-ready", deps: ["cluster-create"], describe: "wait for the API server; record the cluster config hash" },
    { name: "images-load", deps: ["images-pull", "cluster-create"], describe: "kind load docker-image: preload the nodes" },
    { name: "crds", deps: ["api-ready"], describe: "apply the CRDs of changed apps, wait until Established" },
    { name: "cni", deps: ["api-ready", ...cniApps], describe: "wait for every node to be Ready (the CNI works)" },
  ];
  for (const app of apps) {
    const deps = preNetwork.has(app.name) ? ["crds"] : ["crds", "cni", "images-load"];
    for (const d of app.dependsOn) if (appNames.has(d)) deps.push(appStep(d));
    steps.push({ name: appStep(app.name), deps, describe: `apply ${app.name}, prune what it no longer has, wait until ready` });
  }
  steps.push(
    {
      name: "prune-removed",
      deps: ["api-ready", ...apps.map((a) => appStep(a.name))],
      describe: "remove apps the definition no longer has",
    },
    { name: "record-state", deps: ["prune-removed"], describe: "record environment, profile and cluster config hash" },
  );
  return steps;
}
