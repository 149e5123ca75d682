import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import type { KubeObject } from "../model/k8s.ts";
import type { ApplyContext } from "./apply.ts";
import { KubeClient } from "./client.ts";
import { applyClasses, deployApp, removeApp, supersetScope, writeParent } from "./deploy-app.ts";
import { Discovery } from "./discovery.ts";
import { type Endpoint, endpointsOf } from "./endpoints.ts";
import { ClusterError, UnreachableError } from "./errors.ts";
import { clusterConfigHash, type KindProvider, kindContext } from "./kind-provider.ts";
import { hasContext, loadClusterAccess } from "./kubeconfig.ts";
import { type DesiredEnvironment, imagesOf, readRendered } from "./manifests.ts";
import { criticalPath, type PlanEvents, runPlan, type Step, type StepOutcome, type StepResult } from "./plan.ts";
import { assertPreflight, inotifyCheck, type PreflightCheck, preflight } from "./preflight.ts";
import { withSecretsApp } from "./secrets-app.ts";
import { type AppChange, type LiveState, readLiveState, recordClusterState, type WarmCheck, warmCheck } from "./state.ts";
import { appStep, upPlan } from "./up-plan.ts";
import { waitReady } from "./wait.ts";

/** Where `up` works: a Kind cluster it creates and owns, or any cluster a kubeconfig points at. */
export type UpTarget =
  | {
      type: "kind";
      name: string;
      provider: KindProvider;
      /** The cluster shape of a profile (known only once the environment is rendered). */
      shape: (profile: string, cluster?: { kubeProxyMode?: "none" }) => KindShape;
      /** Folder for the generated config file (.kindling/). */
      stateDir: string;
      kubeconfig?: string;
    }
  | { type: "existing"; kubeconfig?: string; context?: string };

export interface KindShape {
  /** The Kind Cluster config. */
  config: object;
  hostPorts: { port: number; service: string }[];
  /** The profile runs the mesh: check inotify limits. */
  mesh: boolean;
}

export interface UpOptions {
  env: string;
  target: UpTarget;
  /** Renders the environment and answers its manifests folder. The cluster layer never renders: the CLI passes build(). */
  render: () => Promise<string>;
  recreate?: boolean;
  /** Per app readiness timeout. */
  timeoutMs: number;
  /** Objects applied at once within one app. */
  concurrency?: number;
  /** Preload images into Kind (pull on the host, kind load). */
  preload?: boolean;
  /** How long to wait for a kind the API server does not serve yet (default 60 s: operators register CRDs at runtime). */
  kindWaitMs?: number;
  /** How long transient API errors are retried (an API server restart). */
  retryBudgetMs?: number;
  /** Decrypted Secret objects for the environment (build.json names them); absent: none are applied. */
  secrets?: (desired: DesiredEnvironment) => Promise<KubeObject[]>;
  /** Progress lines ("app:traefik: waiting for …"). */
  log?: (line: string) => void;
  events?: PlanEvents;
  signal?: AbortSignal;
}

export interface AppOutcome {
  name: string;
  change: AppChange | "removed";
  status: "applied" | "unchanged" | "failed" | "blocked" | "removed";
  objects: number;
  pruned: string[];
  ms?: number;
  error?: string;
}

export interface UpReport {
  env: string;
  profile: string;
  upToDate: boolean;
  createdCluster: boolean;
  steps: StepResult[];
  criticalPath: string[];
  totalMs: number;
  apps: AppOutcome[];
  endpoints: Endpoint[];
  warnings: string[];
  errors: { step: string; error: unknown }[];
  /** API requests made, and how many of them were retries of transient failures. */
  requests: number;
  retries: number;
}

/**
 * `kindling up`: render → warm check → (preflight → Kind cluster) → CRDs →
 * apps in dependency order → record. Nothing changed: one request (a LIST
 * of kindling's state) and "up to date", no object touched.
 */
export async function up(opts: UpOptions): Promise<UpReport> {
  const log = opts.log ?? (() => {});
  const warnings: string[] = [];
  const s: {
    client?: KubeClient;
    ctx?: ApplyContext;
    live?: LiveState;
    present: boolean;
    warm?: WarmCheck;
    mustDelete: boolean;
    mustCreate: boolean;
    upToDate: boolean;
    configHash?: string;
    crdApps: Set<string>;
    localImages: string[];
    outcomes: Map<string, AppOutcome>;
  } = { present: false, mustDelete: false, mustCreate: false, upToDate: false, crdApps: new Set(), localImages: [], outcomes: new Map() };
  const target = opts.target;
  const kind = target.type === "kind" ? target : undefined;

  // The plan needs the app graph, which needs the rendered output: render first, then build and run the rest.
  const renderStarted = performance.now();
  const connectPromise = connect();
  const renderPromise = opts.render().then(readRendered);
  const [renderRes, connectRes] = await Promise.allSettled([renderPromise, connectPromise]);
  const renderMs = performance.now() - renderStarted;
  const firstSteps: StepResult[] = [
    settledResult("render", [], renderRes, 0, renderMs),
    settledResult("connect", [], connectRes, 0, connectRes.status === "fulfilled" ? connectRes.value.ms : renderMs),
  ];
  if (renderRes.status === "rejected") throw renderRes.reason;
  if (connectRes.status === "rejected") throw connectRes.reason;
  // Secrets are decrypted by the caller (the cluster layer never reads the SOPS file) and join as one more app.
  const desired = opts.secrets ? withSecretsApp(renderRes.value, await opts.secrets(renderRes.value)) : renderRes.value;
  if (kind) assertCiliumReachesApiServer(desired, kind.name);
  const shape = kind?.shape(desired.profile, desired.cluster);
  if (shape) s.configHash = clusterConfigHash(shape.config);

  const appsByName = new Map(desired.apps.map((a) => [a.name, a]));
  const changed = (name: string) => (s.warm?.apps.get(name) ?? "new") !== "unchanged";
  const skip = (note: string): StepOutcome => ({ skipped: true, note });

  async function connect(): Promise<{ ms: number; note: string }> {
    const t = performance.now();
    const ms = () => Math.round(performance.now() - t);
    let exported = "";
    if (kind && !hasContext(kindContext(kind.name), kind.kubeconfig)) {
      // The cluster may exist while its context does not (another kubeconfig, a deleted context): `kind create` would
      // fail with "already exist". kind unable to answer (no Docker): nothing to find, the preflight says why.
      if (!(await kind.provider.exists(kind.name).catch(() => false)))
        return { ms: ms(), note: `no context ${kindContext(kind.name)}: cluster to create` };
      if (opts.recreate) {
        s.mustDelete = true;
        return { ms: ms(), note: `cluster ${kind.name} exists without context ${kindContext(kind.name)}: will re-create (--recreate)` };
      }
      await kind.provider.exportKubeconfig(kind.name, { kubeconfig: kind.kubeconfig });
      exported = `cluster ${kind.name} existed without its context: exported it (kind export kubeconfig); `;
      log(`connect: ${exported.slice(0, -2)}`);
    }
    const access = loadClusterAccess(kind ? { kubeconfig: kind.kubeconfig, context: kindContext(kind.name) } : target);
    const client = new KubeClient(access, { retryBudgetMs: opts.retryBudgetMs });
    try {
      // A Kind cluster that is gone or stopped must not cost a minute of retries: one quick attempt.
      s.live = await readLiveState(client, kind ? { retry: false, timeoutMs: 5_000 } : {});
    } catch (err) {
      client.close();
      if (!(kind && (err instanceof UnreachableError || isConnError(err)))) throw err;
      if (!(await kind.provider.exists(kind.name))) return { ms: ms(), note: "stale kubeconfig context: cluster to create" };
      if (!opts.recreate) {
        throw new ClusterError(
          `Kind cluster ${kind.name} exists but its API server at ${access.server} does not answer (${(err as Error).message})`,
          "is Docker running? Give it a moment after a restart, or start over with `kindling up --recreate`",
        );
      }
      s.mustDelete = true;
      return { ms: ms(), note: "cluster not answering: will re-create" };
    }
    s.client = client;
    s.present = true;
    return { ms: ms(), note: `${exported}${access.context}: ${s.live.parents.size} app record(s)` };
  }

  const useClient = (): ApplyContext => {
    if (!s.ctx) {
      if (!s.client) throw new Error("bug: no cluster connection at this step");
      s.ctx = { client: s.client, discovery: new Discovery(s.client), kindWaitMs: opts.kindWaitMs, log };
    }
    return s.ctx;
  };

  const actions: Record<string, (signal: AbortSignal) => Promise<StepOutcome | undefined>> = {
    async "warm-check"() {
      s.warm = s.present && s.live ? warmCheck(desired, s.live) : warmCheck(desired, { cluster: {}, parents: new Map() });
      if (kind) {
        const recorded = s.live?.cluster.clusterConfigHash;
        if (s.present && opts.recreate) {
          s.mustDelete = true;
        } else if (s.present && recorded && recorded !== s.configHash) {
          throw new ClusterError(
            `the Kind cluster config changed since cluster ${kind.name} was created (profile ${s.live?.cluster.profile ?? "?"} then, ${desired.profile} now)`,
            "run `kindling up --recreate` to delete and re-create the cluster (everything in it is lost), or keep the old profile with --profile",
          );
        } else if (s.present && !recorded) {
          warnings.push(
            `cluster ${kind.name} has no record of the config it was created from; assuming it matches profile ${desired.profile}`,
          );
        }
        s.mustCreate = !s.present || s.mustDelete;
      }
      if (s.live?.cluster.env && s.live.cluster.env !== desired.env) {
        warnings.push(`the cluster holds environment ${s.live.cluster.env}; applying ${desired.env} replaces its apps`);
      }
      s.upToDate = !s.mustCreate && s.warm.upToDate && (!kind || s.live?.cluster.clusterConfigHash === s.configHash);
      if (s.upToDate) return { note: "up to date" };
      const todo = [...s.warm.apps].filter(([, c]) => c !== "unchanged").map(([n, c]) => `${n} (${c})`);
      if (s.warm.removed.length) todo.push(...s.warm.removed.map((p) => `${p.app} (removed)`));
      return {
        note: `${s.mustCreate ? "cluster to create; " : ""}${todo.length} app(s) to apply${todo.length ? `: ${todo.join(", ")}` : ""}`,
      };
    },

    async preflight() {
      if (s.upToDate) return skip("up to date");
      if (!kind) return skip("existing cluster");
      const checks: PreflightCheck[] = [];
      if (s.mustCreate) {
        // Ports held by the cluster being re-created are freed by the delete: do not count them.
        checks.push(
          ...(await preflight({ profile: desired.profile, hostPorts: s.mustDelete ? [] : (shape?.hostPorts ?? []), mesh: !!shape?.mesh })),
        );
      } else if (shape?.mesh) {
        checks.push(await inotifyCheck((p) => readFile(p, "utf8")));
      }
      for (const c of checks) if (!c.ok && c.severity === "warning") warnings.push(`${c.message}${c.hint ? ` — ${c.hint}` : ""}`);
      assertPreflight(checks);
      return checks.length ? { note: checks.map((c) => `${c.ok ? "✓" : "!"} ${c.name}`).join(", ") } : skip("cluster exists");
    },

    async "cluster-delete"(signal) {
      if (!kind || !s.mustDelete) return skip("nothing to delete");
      s.client?.close();
      s.client = undefined;
      s.ctx = undefined;
      await kind.provider.delete(kind.name, { kubeconfig: kind.kubeconfig, signal });
      return { note: `deleted ${kind.name} (--recreate)` };
    },

    async "cluster-create"(signal) {
      if (!kind || !s.mustCreate) return skip(kind ? "cluster exists" : "existing cluster");
      const file = await kind.provider.create(kind.name, shape?.config ?? {}, kind.stateDir, { kubeconfig: kind.kubeconfig, signal });
      return { note: `created ${kind.name} from ${file}` };
    },

    async "images-pull"(signal) {
      if (!kind || s.upToDate || !opts.preload) return skip(kind ? "not needed" : "existing cluster");
      const changedEnv = { ...desired, apps: desired.apps.filter((a) => changed(a.name)) };
      const images = imagesOf(changedEnv);
      const present = await kind.provider.localImages(images);
      const missing = images.filter((i) => !present.includes(i));
      const { pulled, failed } = await kind.provider.pull(missing, signal);
      if (failed.length) warnings.push(`could not pull ${failed.join(", ")}; the nodes will try themselves`);
      s.localImages = [...present, ...pulled];
      return { note: `${images.length} image(s): ${present.length} cached, ${pulled.length} pulled, ${failed.length} failed` };
    },

    async "api-ready"() {
      if (s.upToDate) return skip("up to date");
      if (kind && s.mustCreate) {
        const access = loadClusterAccess({ kubeconfig: kind.kubeconfig, context: kindContext(kind.name) });
        s.client = new KubeClient(access, { retryBudgetMs: opts.retryBudgetMs });
        const client = s.client;
        const deadline = Date.now() + 120_000;
        while ((await client.request<string>({ path: "/readyz", retry: false, timeoutMs: 3_000 }).catch(() => "")) !== "ok") {
          if (Date.now() > deadline)
            throw new ClusterError(`the API server of ${kind.name} did not become ready in 120s`, "`kind export logs` shows why");
          await sleep(500);
        }
        s.live = { cluster: {}, parents: new Map() };
      }
      if (kind && s.live?.cluster.clusterConfigHash !== s.configHash) {
        s.live = { ...(s.live as LiveState), cluster: { ...s.live?.cluster, clusterConfigHash: s.configHash, profile: desired.profile } };
        await recordClusterState(useClient().client, s.live.cluster);
        return { note: "recorded the cluster config hash" };
      }
      return skip("cluster answers");
    },

    async "images-load"(signal) {
      if (!kind || s.localImages.length === 0) return skip("nothing to load");
      try {
        await kind.provider.load(kind.name, s.localImages, signal);
      } catch (err) {
        warnings.push((err as Error).message);
        return { note: "failed; nodes will pull" };
      }
      return { note: `${s.localImages.length} image(s) loaded` };
    },

    async crds(signal) {
      if (s.upToDate) return skip("up to date");
      const ctx = useClient();
      const apps = desired.apps.filter((a) => changed(a.name) && a.objects.some((o) => o.class === "crd"));
      if (apps.length === 0) return skip("no CRDs to apply");
      let count = 0;
      await Promise.all(
        apps.map(async (app) => {
          await writeParent(ctx, app.name, desired.env, { ...supersetScope(app, s.live?.parents.get(app.name)), phase: "applying" });
          const crds = app.objects.filter((o) => o.class === "crd");
          await applyClasses(ctx, app, crds, { concurrency: opts.concurrency ?? 8, signal });
          s.crdApps.add(app.name);
          count += crds.length;
        }),
      );
      return { note: `${count} CRD(s) Established` };
    },

    async cni(signal) {
      if (s.upToDate) return skip("up to date");
      const client = useClient().client;
      const nodes = await client.get<{ items: { metadata: { name: string } }[] }>("/api/v1/nodes");
      await waitReady(
        client,
        nodes.items.map((n) => ({
          describe: `Node ${n.metadata.name}`,
          path: `/api/v1/nodes/${n.metadata.name}`,
          apiVersion: "v1",
          kind: "Node",
        })),
        {
          app: "cluster",
          timeoutMs: opts.timeoutMs,
          signal,
          onPending: (p) => p.length && log(`cni: waiting for ${p.map((x) => x.describe).join(", ")}`),
        },
      );
      return { note: `${nodes.items.length} node(s) Ready` };
    },

    async "prune-removed"() {
      if (s.upToDate) return skip("up to date");
      const removed = s.warm?.removed ?? [];
      if (removed.length === 0) return skip("no app removed");
      const ctx = useClient();
      for (const parent of removed) {
        const pruned = await removeApp(ctx, parent);
        s.outcomes.set(parent.app, {
          name: parent.app,
          change: "removed",
          status: "removed",
          objects: 0,
          pruned: pruned.map((m) => m.describe),
        });
      }
      return { note: `removed ${removed.map((p) => p.app).join(", ")}` };
    },

    async "record-state"() {
      if (s.upToDate) return skip("up to date");
      await recordClusterState(useClient().client, {
        ...s.live?.cluster,
        env: desired.env,
        profile: desired.profile,
        ...(s.configHash ? { clusterConfigHash: s.configHash } : {}),
        updatedAt: new Date().toISOString(),
      });
      return { note: "state recorded" };
    },
  };

  for (const app of desired.apps) {
    actions[appStep(app.name)] = async (signal) => {
      if (!changed(app.name)) return skip("unchanged");
      const change = s.warm?.apps.get(app.name) ?? "new";
      try {
        const result = await deployApp(useClient(), app, {
          env: desired.env,
          timeoutMs: opts.timeoutMs,
          concurrency: opts.concurrency ?? 8,
          previous: s.live?.parents.get(app.name),
          crdsApplied: s.crdApps.has(app.name),
          log: (line) => log(`${appStep(app.name)}: ${line}`),
          signal,
        });
        s.outcomes.set(app.name, {
          name: app.name,
          change,
          status: "applied",
          objects: result.applied,
          pruned: result.pruned.map((m) => m.describe),
          ms: result.ms,
        });
        return { note: `${change}: ${result.applied} object(s)${result.pruned.length ? `, pruned ${result.pruned.length}` : ""}` };
      } catch (err) {
        s.outcomes.set(app.name, {
          name: app.name,
          change,
          status: "failed",
          objects: app.objects.length,
          pruned: [],
          error: (err as Error).message,
        });
        throw err;
      }
    };
  }

  const planned = upPlan(desired.apps).filter((p) => p.name !== "render" && p.name !== "connect");
  const steps: Step[] = planned.map((p) => ({
    ...p,
    deps: p.deps.filter((d) => d !== "render" && d !== "connect"),
    run: actions[p.name] ?? (async () => skip("no action")),
  }));
  const offset = Math.round(renderMs);
  const result = await runPlan(steps, opts.events, opts.signal);
  s.client?.close();

  const shifted = result.results.map((r) => ({
    ...r,
    deps: planned.find((p) => p.name === r.name)?.deps ?? r.deps,
    startMs: r.startMs + offset,
    endMs: r.endMs + offset,
  }));
  const allSteps = [...firstSteps, ...shifted];
  const apps: AppOutcome[] = desired.apps.map((a) => {
    const known = s.outcomes.get(a.name);
    if (known) return known;
    const step = result.results.find((r) => r.name === appStep(a.name));
    const status = step?.status === "blocked" ? "blocked" : "unchanged";
    return { name: a.name, change: s.warm?.apps.get(a.name) ?? "new", status, objects: a.objects.length, pruned: [] };
  });
  for (const [name, o] of s.outcomes) if (!appsByName.has(name)) apps.push(o);

  return {
    env: desired.env,
    profile: desired.profile,
    upToDate: s.upToDate,
    createdCluster: s.mustCreate && result.results.find((r) => r.name === "cluster-create")?.status === "done",
    steps: allSteps,
    criticalPath: criticalPath(allSteps),
    totalMs: offset + result.totalMs,
    apps,
    endpoints: endpointsOf(desired),
    warnings,
    errors: result.errors,
    requests: s.ctx?.client.stats.requests ?? s.client?.stats.requests ?? 0,
    retries: s.ctx?.client.stats.retries ?? s.client?.stats.retries ?? 0,
  };
}

function settledResult(name: string, deps: string[], r: PromiseSettledResult<unknown>, startMs: number, endMs: number): StepResult {
  const note = r.status === "fulfilled" && r.value && typeof r.value === "object" && "note" in r.value ? String(r.value.note) : undefined;
  return r.status === "fulfilled"
    ? { name, deps, status: "done", startMs, endMs: Math.round(endMs), note }
    : { name, deps, status: "failed", startMs, endMs: Math.round(endMs), error: r.reason };
}

function isConnError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === "ECONNREFUSED" || code === "ETIMEDOUT" || code === "ECONNRESET" || code === "EHOSTUNREACH";
}

/**
 * Without kube-proxy (build.json "cluster": kubeProxyMode none, from
 * cilium.kubeProxyReplacement) Cilium reaches the API server at the Kind
 * control-plane container by name, "<cluster>-control-plane", rendered into
 * its workloads' KUBERNETES_SERVICE_HOST from cilium.apiServerHost. Another
 * --name than the one that option names leaves the cluster without Services:
 * stop before anything is created, and name the option to set.
 */
export function assertCiliumReachesApiServer(desired: Pick<DesiredEnvironment, "apps" | "cluster">, name: string): void {
  if (desired.cluster?.kubeProxyMode !== "none") return;
  const expected = `${name}-control-plane`;
  for (const app of desired.apps) {
    for (const o of app.objects) {
      if (!["DaemonSet", "Deployment"].includes(o.kind)) continue;
      const spec = (o.object as { spec?: { template?: { spec?: { containers?: { env?: { name: string; value?: string }[] }[] } } } }).spec;
      for (const c of spec?.template?.spec?.containers ?? []) {
        const host = c.env?.find((e) => e.name === "KUBERNETES_SERVICE_HOST")?.value;
        if (host === undefined || host === expected) continue;
        throw new ClusterError(
          `cilium.kubeProxyReplacement is on, so Cilium reaches the API server at "${host}" (${o.kind} ${o.name} of app ${app.name}), ` +
            `but the control-plane container of Kind cluster ${name} is "${expected}"`,
          `set cilium.apiServerHost to "${expected}" in the environment's cilium options (kindling.config.ts)` +
            `${host.endsWith("-control-plane") ? `, or keep --name ${host.slice(0, -"-control-plane".length)}` : ""}`,
        );
      }
    }
  }
}
