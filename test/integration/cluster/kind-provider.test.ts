import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { parse as parseYaml } from "yaml";
import { ClusterError } from "../../../src/cluster/errors.ts";
import { clusterConfigHash } from "../../../src/cluster/kind-provider.ts";
import { PreflightError } from "../../../src/cluster/preflight.ts";
import { readLiveState } from "../../../src/cluster/state.ts";
import { resolveTarget } from "../../../src/cluster/target.ts";
import { up } from "../../../src/cluster/up.ts";
import { kindClusterConfig } from "../../../src/kind/config.ts";
import { sampleApps, writeSampleEnv } from "../../fixtures/cluster/sample-env.ts";
import { type ControlPlane, startControlPlane } from "./harness.ts";
import { controlPlaneTools } from "./tools.ts";

/**
 * The Kind path of `up` as far as a machine without Docker allows: stand-ins
 * for the kind and docker CLIs (test/fixtures/cluster/bin) record every
 * command line, and "create" a cluster by writing a kubeconfig context that
 * points at a real API server. What is checked is kindling's side: the
 * generated config, the commands it runs, when it runs them (never on a warm
 * start, never a delete unasked), and what it says when Docker is missing.
 */
const ROOT = new URL("../../../", import.meta.url).pathname;
const FAKE_BIN = join(ROOT, "test/fixtures/cluster/bin");
const run = promisify(execFile);

interface Call {
  tool: string;
  args: string[];
}

test("Kind provider flow with stand-in kind and docker", { timeout: 300_000 }, async (t) => {
  const tools = controlPlaneTools(t);
  if (!tools) return;
  const cp: ControlPlane = await startControlPlane(tools, { nodes: 1 });
  const work = await mkdtemp(join(tmpdir(), "kindling-kind-"));
  const saved = { ...process.env };
  t.after(async () => {
    process.env = saved;
    await cp.stop();
    await rm(work, { recursive: true, force: true });
  });
  const log = join(work, "calls.jsonl");
  Object.assign(process.env, {
    KINDLING_KIND_BIN: join(FAKE_BIN, "kind"),
    KINDLING_DOCKER_BIN: join(FAKE_BIN, "docker"),
    KUBECONFIG: join(work, "kubeconfig"),
    FAKE_TOOLS_LOG: log,
    FAKE_TOOLS_STATE: join(work, "clusters.json"),
    FAKE_KIND_API_KUBECONFIG: cp.kubeconfig,
    FAKE_DOCKER_IMAGES: "postgres:17",
  });
  const calls = (): Call[] =>
    existsSync(log)
      ? readFileSync(log, "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as Call)
      : [];
  let seen = 0;
  const newCalls = () => {
    const all = calls();
    const fresh = all.slice(seen);
    seen = all.length;
    return fresh.map((c) => `${c.tool} ${c.args.join(" ")}`);
  };
  const out = join(work, "out");
  const stateDir = join(work, ".kindling");
  const upKind = async (profile: string, recreate = false) => {
    const dir = await writeSampleEnv(out, sampleApps(), { profile });
    return up({
      env: "local",
      target: resolveTarget({ name: "kt", stateDir }),
      render: async () => dir,
      timeoutMs: 60_000,
      recreate,
      preload: true,
    });
  };

  await t.test("cold: preflight, kind create from the generated config, image preload, then the apps", async () => {
    const r = await upKind("dev-fast");
    assert.deepEqual(r.errors, []);
    assert.equal(r.createdCluster, true);
    const cmds = newCalls();
    assert.ok(cmds.includes("docker info --format {{.ServerVersion}}|{{.MemTotal}}|{{.NCPU}}"), cmds.join("\n"));
    assert.ok(cmds.includes("kind version"));
    assert.ok(cmds.includes(`kind create cluster --name kt --config ${join(stateDir, "kind-kt.yaml")} --wait 0s`), cmds.join("\n"));
    // Images: present ones are not pulled, missing ones are; all are loaded into the cluster in one command.
    assert.ok(cmds.includes("docker image inspect --format {{.Id}} postgres:17"));
    assert.ok(cmds.includes("docker pull --quiet registry.example/web:1.0"));
    assert.ok(!cmds.includes("docker pull --quiet postgres:17"));
    const load = cmds.find((c) => c.startsWith("kind load docker-image --name kt "));
    assert.ok(load?.includes("postgres:17") && load.includes("registry.example/web:1.0"), load);
    // kind create runs only after the preflight, and the load only after the create.
    assert.ok(cmds.indexOf("kind version") < cmds.findIndex((c) => c.startsWith("kind create")));
    assert.ok(cmds.findIndex((c) => c.startsWith("kind create")) < cmds.findIndex((c) => c.startsWith("kind load")));

    const written = parseYaml(readFileSync(`${log}.kt.config.yaml`, "utf8"));
    const expected = kindClusterConfig("dev-fast", { name: "kt" });
    assert.deepEqual(written, JSON.parse(JSON.stringify(expected)));
    const live = await readLiveState(cp.client);
    assert.equal(live.cluster.clusterConfigHash, clusterConfigHash(expected));
    assert.equal(live.cluster.profile, "dev-fast");
    assert.ok(r.apps.every((a) => a.status === "applied"));
  });

  await t.test("warm: up to date without running kind or docker at all", async () => {
    const r = await upKind("dev-fast");
    assert.equal(r.upToDate, true);
    assert.deepEqual(newCalls(), []);
  });

  await t.test("another profile changes the cluster config: up asks for --recreate and deletes nothing", async () => {
    const r = await upKind("cilium");
    const err = r.errors[0]?.error;
    assert.ok(err instanceof ClusterError, String(err));
    assert.match(err.message, /Kind cluster config changed since cluster kt was created \(profile dev-fast then, cilium now\)/);
    assert.match(err.hint, /kindling up --recreate/);
    assert.ok(!newCalls().some((c) => c.startsWith("kind delete")));
  });

  await t.test("--recreate deletes and creates the cluster from the new profile's config", async () => {
    const r = await upKind("cilium", true);
    assert.deepEqual(r.errors, []);
    const cmds = newCalls();
    const del = cmds.indexOf("kind delete cluster --name kt");
    const create = cmds.findIndex((c) => c.startsWith("kind create cluster --name kt"));
    assert.ok(del >= 0 && create > del, cmds.join("\n"));
    const written = parseYaml(readFileSync(`${log}.kt.config.yaml`, "utf8"));
    assert.equal(written.networking.disableDefaultCNI, true);
    assert.equal(written.nodes.length, 2);
    assert.equal(
      (await readLiveState(cp.client)).cluster.clusterConfigHash,
      clusterConfigHash(kindClusterConfig("cilium", { name: "kt" })),
    );
  });

  await t.test("no Docker engine: the preflight says to start it, and nothing is created", async () => {
    process.env.FAKE_DOCKER_ENGINE = "down";
    try {
      const dir = await writeSampleEnv(out, sampleApps());
      const r = await up({ env: "local", target: resolveTarget({ name: "other", stateDir }), render: async () => dir, timeoutMs: 10_000 });
      const err = r.errors.find((e) => e.step === "preflight")?.error;
      assert.ok(err instanceof PreflightError, String(err));
      assert.match(err.message, /Docker is installed but its engine does not answer: Cannot connect to the Docker daemon/);
      assert.match(err.message, /sudo systemctl start docker/);
      assert.ok(!newCalls().some((c) => c.startsWith("kind create")));
      const blocked = r.steps.filter((s) => s.status === "blocked").map((s) => s.name);
      for (const step of ["cluster-delete", "cluster-create", "images-pull", "api-ready", "app:web"])
        assert.ok(blocked.includes(step), step);
    } finally {
      delete process.env.FAKE_DOCKER_ENGINE;
    }
  });
});

test("kindling up on this machine without a Docker engine explains what to install or start", { timeout: 60_000 }, async () => {
  const work = await mkdtemp(join(tmpdir(), "kindling-nodocker-"));
  try {
    const dir = await writeSampleEnv(join(work, "out"), sampleApps());
    const env = { ...process.env, KUBECONFIG: join(work, "kubeconfig"), NO_COLOR: "1" };
    const result = await run(process.execPath, [join(ROOT, "bin/kindling.mjs"), "up", "--manifests", dir, "--name", "nodocker"], {
      env,
      cwd: work,
    }).then(
      () => ({ code: 0, stderr: "" }),
      (err: { code: number; stderr: string }) => err,
    );
    const dockerReady = /Docker engine \d/.test(result.stderr);
    if (dockerReady) return; // a machine with Docker: nothing to check here (the e2e suite covers it)
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /preflight failed/);
    assert.match(
      result.stderr,
      /Docker is not installed.*\n\s+fix: install Docker Engine|Docker is installed but its engine does not answer.*\n\s+fix: start the Docker engine/,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});
