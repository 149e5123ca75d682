import type { App, ProfileName } from "../components/types.ts";
import type { KubeObject } from "../model/k8s.ts";
import { byteQuantity } from "../model/quantity.ts";
import type { RenderedEnvironment } from "./types.ts";

/**
 * How much CPU and memory an environment asks of the cluster: the sum of
 * requests and limits over every long-running pod template × its replicas.
 * Pure: it reads objects (or chart values), never a cluster.
 *
 * Rules, chosen to match what the scheduler reserves:
 * - Deployment, StatefulSet, ReplicaSet: × spec.replicas (1 when unset);
 *   DaemonSet: × the profile's node count; a bare Pod: × 1.
 * - Jobs and CronJobs are left out: they run to completion (the Garage
 *   bootstrap, for instance) and do not hold their requests in steady state.
 * - Per pod, as Kubernetes computes it: the larger of (sum of app containers
 *   + sidecar init containers) and the largest ordinary init container.
 * - A container without a request or limit adds 0 and is listed in `unset`.
 */

export interface Amount {
  cpuMilli: number;
  memoryBytes: number;
}

export interface WorkloadFootprint {
  app: string;
  kind: string;
  name: string;
  replicas: number;
  /** Per environment (all replicas). */
  requests: Amount;
  limits: Amount;
  /** True when read from chart values rather than rendered objects (see chartValuesFootprint). */
  estimated: boolean;
}

export interface Footprint {
  requests: Amount;
  limits: Amount;
  workloads: WorkloadFootprint[];
  /** "<app>/<Kind>/<name>/<container>: requests.memory" for every missing value. */
  unset: string[];
}

/** Nodes per Kind profile (DESIGN.md): what a DaemonSet multiplies by. */
export const NODES_BY_PROFILE: Record<ProfileName, number> = { "dev-fast": 1, cilium: 2, full: 3 };

/** "250m" → 250, "1" → 1000, "0.5" → 500. */
export function parseCpu(q: string | number): number {
  const s = String(q);
  const m = /^([0-9]+(?:\.[0-9]+)?)(m)?$/.exec(s);
  if (!m) throw new Error(`not a CPU quantity: ${JSON.stringify(q)}`);
  return Math.round(m[2] ? Number(m[1]) : Number(m[1]) * 1000);
}

/** "512Mi" → 536870912, "1G" → 1e9. */
export function parseMemory(q: string | number): number {
  const bytes = byteQuantity(String(q), { milli: true });
  if (bytes === undefined) throw new Error(`not a memory quantity: ${JSON.stringify(q)}`);
  return Math.round(bytes);
}

export function formatCpu(milli: number): string {
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

export function formatMemory(bytes: number): string {
  if (bytes >= 2 ** 30) return `${Math.round((bytes / 2 ** 30) * 100) / 100}Gi`;
  return `${Math.round((bytes / 2 ** 20) * 10) / 10}Mi`;
}

const zero = (): Amount => ({ cpuMilli: 0, memoryBytes: 0 });
const add = (a: Amount, b: Amount): Amount => ({ cpuMilli: a.cpuMilli + b.cpuMilli, memoryBytes: a.memoryBytes + b.memoryBytes });
const max = (a: Amount, b: Amount): Amount => ({
  cpuMilli: Math.max(a.cpuMilli, b.cpuMilli),
  memoryBytes: Math.max(a.memoryBytes, b.memoryBytes),
});
const times = (a: Amount, n: number): Amount => ({ cpuMilli: a.cpuMilli * n, memoryBytes: a.memoryBytes * n });

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Rec) : {});

/** Requests or limits of one `resources` block; notes what is missing. */
function amountOf(resources: unknown, which: "requests" | "limits", missing: (field: string) => void): Amount {
  const r = rec(rec(resources)[which]);
  if (r.cpu === undefined) missing(`${which}.cpu`);
  if (r.memory === undefined) missing(`${which}.memory`);
  return {
    cpuMilli: r.cpu === undefined ? 0 : parseCpu(r.cpu as string),
    memoryBytes: r.memory === undefined ? 0 : parseMemory(r.memory as string),
  };
}

/** Requests and limits of one pod, init containers included the way the scheduler counts them. */
export function podAmounts(podSpec: unknown, missing: (container: string, field: string) => void = () => {}) {
  const spec = rec(podSpec);
  const containers = (spec.containers as Rec[] | undefined) ?? [];
  const inits = (spec.initContainers as Rec[] | undefined) ?? [];
  const out = { requests: zero(), limits: zero() };
  for (const which of ["requests", "limits"] as const) {
    let running = zero();
    let largestInit = zero();
    for (const c of containers)
      running = add(
        running,
        amountOf(c.resources, which, (f) => missing(String(c.name), f)),
      );
    for (const c of inits) {
      const a = amountOf(c.resources, which, (f) => missing(String(c.name), f));
      // Sidecars (restartPolicy Always) keep running next to the app containers.
      if (c.restartPolicy === "Always") running = add(running, a);
      else largestInit = max(largestInit, a);
    }
    out[which] = max(running, largestInit);
  }
  return out;
}

const REPLICATED = new Set(["Deployment", "StatefulSet", "ReplicaSet"]);

/** Exact footprint of rendered (or typed) objects. */
export function objectsFootprint(items: { app: string; object: KubeObject }[], nodes: number): Footprint {
  const workloads: WorkloadFootprint[] = [];
  const unset: string[] = [];
  for (const { app, object } of items) {
    const spec = rec(object.spec);
    let replicas: number;
    let podSpec: unknown;
    if (REPLICATED.has(object.kind)) {
      replicas = typeof spec.replicas === "number" ? spec.replicas : 1;
      podSpec = rec(spec.template).spec;
    } else if (object.kind === "DaemonSet") {
      replicas = nodes;
      podSpec = rec(spec.template).spec;
    } else if (object.kind === "Pod") {
      replicas = 1;
      podSpec = spec;
    } else continue;
    const pod = podAmounts(podSpec, (c, f) => unset.push(`${app}/${object.kind}/${object.metadata.name}/${c}: ${f}`));
    workloads.push({
      app,
      kind: object.kind,
      name: object.metadata.name,
      replicas,
      requests: times(pod.requests, replicas),
      limits: times(pod.limits, replicas),
      estimated: false,
    });
  }
  return total(workloads, unset);
}

/**
 * Estimate for a chart that is not rendered (not available offline): every
 * `resources` block in the values that holds requests or limits counts as
 * one workload, × the `replicas`/`replicaCount` found beside it or under a
 * sibling `deployment` key (× nodes when that says kind DaemonSet), else 1.
 * It counts what kindling asks for; a chart's workloads that kindling gives
 * no resources to are not seen, which is why rendered output is preferred.
 */
export function chartValuesFootprint(app: string, release: string, values: unknown, nodes: number): WorkloadFootprint[] {
  const out: WorkloadFootprint[] = [];
  const walk = (node: unknown, path: string[]) => {
    const o = rec(node);
    const r = rec(o.resources);
    if (r.requests !== undefined || r.limits !== undefined) {
      const deployment = rec(o.deployment);
      const kind = deployment.kind ?? o.kind;
      const declared = o.replicas ?? o.replicaCount ?? deployment.replicas ?? deployment.replicaCount;
      const replicas = kind === "DaemonSet" ? nodes : typeof declared === "number" ? declared : 1;
      out.push({
        app,
        kind: `chart ${release}`,
        name: path.length ? path.join(".") : release,
        replicas,
        requests: times(
          amountOf(r, "requests", () => {}),
          replicas,
        ),
        limits: times(
          amountOf(r, "limits", () => {}),
          replicas,
        ),
        estimated: true,
      });
    }
    for (const [k, v] of Object.entries(o)) if (k !== "resources" && rec(v) === v) walk(v, [...path, k]);
  };
  walk(values, []);
  return out;
}

/** Footprint of an environment's apps before rendering: typed objects exactly, charts estimated from values. */
export function appsFootprint(apps: App[], profile: ProfileName): Footprint {
  const nodes = NODES_BY_PROFILE[profile];
  const exact = objectsFootprint(
    apps.flatMap((a) => (a.objects ?? []).map((object) => ({ app: a.name, object }))),
    nodes,
  );
  const estimated = apps.flatMap((a) => (a.charts ?? []).flatMap((c) => chartValuesFootprint(a.name, c.release, c.values, nodes)));
  return total([...exact.workloads, ...estimated], exact.unset);
}

/** Exact footprint of a rendered environment (charts included, as rendered). */
export function renderedFootprint(env: RenderedEnvironment): Footprint {
  const nodes = NODES_BY_PROFILE[env.profile as ProfileName] ?? 1;
  return objectsFootprint(
    env.apps.flatMap((a) => a.objects.map((o) => ({ app: a.name, object: o.object }))),
    nodes,
  );
}

function total(workloads: WorkloadFootprint[], unset: string[]): Footprint {
  return {
    requests: workloads.reduce((s, w) => add(s, w.requests), zero()),
    limits: workloads.reduce((s, w) => add(s, w.limits), zero()),
    workloads,
    unset,
  };
}
