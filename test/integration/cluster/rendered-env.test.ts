import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { readRendered } from "../../../src/cluster/manifests.ts";
import { clusterStatus } from "../../../src/cluster/status.ts";
import { up } from "../../../src/cluster/up.ts";
import { build } from "../../../src/render/build.ts";
import { startControlPlane } from "./harness.ts";
import { controlPlaneTools } from "./tools.ts";

/**
 * The platform itself, not a fixture: the local environment of
 * kindling.config.ts, rendered by `kindling build`, applied by the engine to a
 * real API server, and ready by the engine's own rules (kwok runs the pods;
 * Jobs complete, StatefulSets get their claims bound to pre-made volumes).
 */
const ROOT = new URL("../../../", import.meta.url).pathname;

test("the rendered local environment comes up ready, then is up to date", { timeout: 300_000 }, async (t) => {
  const tools = controlPlaneTools(t);
  if (!tools) return;
  const out = await mkdtemp(join(tmpdir(), "kindling-rendered-"));
  const cp = await startControlPlane(tools, { nodes: 2, persistentVolumes: 16 });
  t.after(async () => {
    await cp.stop();
    await rm(out, { recursive: true, force: true });
  });
  const built = await build({ config: join(ROOT, "kindling.config.ts"), envs: ["local"], out, write: true, warn: () => {} });
  const dir = built.written[0] as string;
  const target = { type: "existing" as const, kubeconfig: cp.kubeconfig };

  const cold = await up({ env: "local", target, render: async () => dir, timeoutMs: 120_000 });
  assert.deepEqual(
    cold.errors.map((e) => `${e.step}: ${(e.error as Error).message}`),
    [],
  );
  assert.ok(cold.apps.length > 5, `apps: ${cold.apps.map((a) => a.name).join(", ")}`);
  assert.ok(
    cold.apps.every((a) => a.status === "applied"),
    JSON.stringify(cold.apps.filter((a) => a.status !== "applied")),
  );

  const status = await clusterStatus(cp.client, await readRendered(dir));
  assert.ok(
    status.apps.every((a) => a.inSync && a.ready),
    JSON.stringify(status.apps.filter((a) => !a.inSync || !a.ready)),
  );

  const warm = await up({ env: "local", target, render: async () => dir, timeoutMs: 120_000 });
  assert.equal(warm.upToDate, true);
  assert.equal(warm.requests, 1);
});
