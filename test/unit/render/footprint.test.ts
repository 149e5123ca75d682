import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import config from "../../../kindling.config.ts";
import type { ProfileName } from "../../../src/components/types.ts";
import { resolveEnvironment } from "../../../src/config/resolve.ts";
import { ChartError } from "../../../src/helm/errors.ts";
import type { KubeObject } from "../../../src/model/k8s.ts";
import { build } from "../../../src/render/build.ts";
import { componentsToApps } from "../../../src/render/components-to-apps.ts";
import {
  appsFootprint,
  chartValuesFootprint,
  type Footprint,
  formatMemory,
  objectsFootprint,
  parseCpu,
  parseMemory,
  renderedFootprint,
} from "../../../src/render/footprint.ts";

const CONFIG = join(new URL("../../..", import.meta.url).pathname, "kindling.config.ts");

const GiB = 2 ** 30;
const MiB = 2 ** 20;

const container = (name: string, req: [string, string], lim: [string, string], extra: Record<string, unknown> = {}) => ({
  name,
  ...extra,
  resources: { requests: { cpu: req[0], memory: req[1] }, limits: { cpu: lim[0], memory: lim[1] } },
});

const workload = (kind: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: "apps/v1",
  kind,
  metadata: { name: kind.toLowerCase() },
  spec,
});

describe("footprint", () => {
  it("parses CPU and memory quantities", () => {
    assert.equal(parseCpu("250m"), 250);
    assert.equal(parseCpu("1"), 1000);
    assert.equal(parseCpu("0.5"), 500);
    assert.equal(parseMemory("512Mi"), 512 * MiB);
    assert.equal(parseMemory("1G"), 1e9);
    assert.equal(parseMemory("2Gi"), 2 * GiB);
    assert.throws(() => parseCpu("lots"), /not a CPU quantity/);
  });

  it("multiplies by replicas, DaemonSets by nodes, and skips Jobs", () => {
    const pod = { containers: [container("a", ["100m", "128Mi"], ["1", "256Mi"])] };
    const f = objectsFootprint(
      [
        { app: "x", object: workload("Deployment", { replicas: 3, template: { spec: pod } }) },
        { app: "x", object: workload("DaemonSet", { template: { spec: pod } }) },
        { app: "x", object: workload("StatefulSet", { template: { spec: pod } }) },
        { app: "x", object: { apiVersion: "batch/v1", kind: "Job", metadata: { name: "once" }, spec: { template: { spec: pod } } } },
      ],
      2,
    );
    // 3 (deployment) + 2 (daemonset on 2 nodes) + 1 (statefulset default) = 6 pods.
    assert.equal(f.requests.cpuMilli, 600);
    assert.equal(f.requests.memoryBytes, 6 * 128 * MiB);
    assert.equal(f.limits.memoryBytes, 6 * 256 * MiB);
    assert.deepEqual(
      f.workloads.map((w) => [w.kind, w.replicas]),
      [
        ["Deployment", 3],
        ["DaemonSet", 2],
        ["StatefulSet", 1],
      ],
    );
  });

  it("counts init containers the way the scheduler does, and reports missing values", () => {
    const spec = {
      initContainers: [
        container("migrate", ["500m", "1Gi"], ["1", "1Gi"]),
        container("proxy", ["50m", "64Mi"], ["100m", "64Mi"], { restartPolicy: "Always" }),
      ],
      containers: [container("app", ["100m", "128Mi"], ["200m", "256Mi"]), { name: "bare" }],
    };
    const f = objectsFootprint([{ app: "x", object: workload("Deployment", { template: { spec } }) }], 1);
    // max(app 100m + sidecar 50m, init 500m) = 500m; memory max(192Mi, 1Gi) = 1Gi.
    assert.equal(f.requests.cpuMilli, 500);
    assert.equal(f.requests.memoryBytes, GiB);
    assert.ok(f.unset.includes("x/Deployment/deployment/bare: requests.memory"));
  });

  it("estimates a chart from the resources kindling passes in its values", () => {
    const values = {
      deployment: { replicas: 2 },
      resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
      sidecar: { replicaCount: 3, resources: { requests: { cpu: "10m", memory: "16Mi" } } },
    };
    const w = chartValuesFootprint("edge", "traefik", values, 1);
    assert.deepEqual(
      w.map((x) => [x.name, x.replicas, x.requests.memoryBytes, x.estimated]),
      [
        ["traefik", 2, 256 * MiB, true],
        ["sidecar", 3, 48 * MiB, true],
      ],
    );
  });

  // The budget: the full profile must fit a laptop's 8 GiB Docker VM.
  it("keeps the reference platform within budget: dev-fast ≤ 2 GiB, full ≤ 6 GiB of memory requests", { timeout: 120_000 }, async (t) => {
    const budget = { "dev-fast": 2 * GiB, cilium: 6 * GiB, full: 6 * GiB } as const;
    let measured: { env: string; profile: ProfileName; footprint: Footprint }[];
    try {
      // Exact: charts rendered by the real helm from the chart cache.
      const result = await build({ config: CONFIG, write: false, offline: true, warn: () => {} });
      measured = result.environments.map((e) => ({ env: e.env, profile: e.profile as ProfileName, footprint: renderedFootprint(e) }));
    } catch (err) {
      if (!(err instanceof ChartError)) throw err;
      // No chart cache on this machine: count charts by the resources kindling passes in their values.
      t.diagnostic(`charts not available offline (${(err as Error).message.split("\n")[0]}); chart workloads estimated from values`);
      measured = ["local", "staging", "prod"].map((env) => {
        const resolved = resolveEnvironment(config, env, { file: "kindling.config.ts" });
        return { env, profile: resolved.profile, footprint: appsFootprint(componentsToApps(resolved), resolved.profile) };
      });
    }
    assert.deepEqual(
      measured.map((m) => m.env),
      ["local", "staging", "prod"],
    );
    for (const { env, profile, footprint } of measured) {
      t.diagnostic(`${env} (${profile}): ${formatMemory(footprint.requests.memoryBytes)} memory requested`);
      assert.ok(
        footprint.requests.memoryBytes <= budget[profile],
        `${env} (${profile}) requests ${formatMemory(footprint.requests.memoryBytes)}, over ${formatMemory(budget[profile])}`,
      );
    }
  });

  it("finds requests and limits on every container kindling writes itself", () => {
    for (const env of ["local", "staging", "prod"]) {
      const resolved = resolveEnvironment(config, env, { file: "kindling.config.ts" });
      const typed = componentsToApps(resolved).map((a) => ({ ...a, charts: [] }));
      assert.deepEqual(appsFootprint(typed, resolved.profile).unset, [], `${env}: containers without requests/limits`);
    }
  });
});
