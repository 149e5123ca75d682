import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { dockerCheck } from "../../src/cluster/preflight.ts";
import { locateTool } from "../../src/tools/locate.ts";

/**
 * The real thing: `kindling up` creates a Kind cluster in Docker, applies the
 * local environment and waits for it to be ready; `status` agrees; a second
 * `up` is up to date; `down` deletes the cluster. Needs a Docker engine and
 * kind; without them it is skipped and says why (the only suite allowed to).
 * Run with `npm run test:e2e`. Uses its own cluster name and kubeconfig, so a
 * developer's clusters and ~/.kube/config are left alone.
 */
const ROOT = new URL("../../", import.meta.url).pathname;
const run = promisify(execFile);
const CLUSTER = process.env.KINDLING_E2E_CLUSTER ?? "kindling-e2e";
const PROFILE = process.env.KINDLING_E2E_PROFILE ?? "dev-fast";

async function missingPrerequisite(): Promise<string | undefined> {
  const docker = await dockerCheck({});
  if (!docker.check.ok) return `${docker.check.message} (${docker.check.hint})`;
  if (!locateTool("kind")) return "kind is not installed (go install sigs.k8s.io/kind@v0.30.0)";
  return undefined;
}

test(`Kind end to end: up (${PROFILE}) → status → up (warm) → down`, { timeout: 30 * 60_000 }, async (t) => {
  const reason = await missingPrerequisite();
  if (reason) {
    process.stdout.write(`# e2e skipped: ${reason}\n`);
    t.skip(reason);
    return;
  }
  const work = await mkdtemp(join(tmpdir(), "kindling-e2e-"));
  const env = { ...process.env, KUBECONFIG: join(work, "kubeconfig"), NO_COLOR: "1" };
  const kindling = (...args: string[]) =>
    run(process.execPath, [join(ROOT, "bin/kindling.mjs"), ...args], { env, cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  t.after(async () => {
    await kindling("down", "--name", CLUSTER, "--yes").catch((err) => process.stderr.write(`down failed: ${err.stderr ?? err}\n`));
    await rm(work, { recursive: true, force: true });
  });

  const cold = await kindling("up", "--name", CLUSTER, "--profile", PROFILE, "--timeout", "10m", "--json");
  const report = JSON.parse(cold.stdout);
  assert.equal(report.errors.length, 0, cold.stderr);
  assert.equal(report.createdCluster, true);
  process.stdout.write(`# cold up: ${report.totalMs} ms, critical path ${report.criticalPath.join(" → ")}\n`);

  const status = JSON.parse((await kindling("status", "--name", CLUSTER, "--profile", PROFILE, "--json")).stdout);
  assert.equal(status.healthy, true, JSON.stringify(status.apps.filter((a: { ready: boolean }) => !a.ready)));

  const warm = JSON.parse((await kindling("up", "--name", CLUSTER, "--profile", PROFILE, "--json")).stdout);
  assert.equal(warm.upToDate, true);
  process.stdout.write(`# warm up: ${warm.totalMs} ms\n`);

  await kindling("down", "--name", CLUSTER, "--yes");
  const { stdout } = await run(locateTool("kind") as string, ["get", "clusters"], { env });
  assert.ok(!stdout.split("\n").includes(CLUSTER), stdout);
});
