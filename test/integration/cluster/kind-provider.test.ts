import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { parse as parseYaml, stringify } from "yaml";
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

  /** The cluster stays, its kubeconfig context goes (another kubeconfig, `kubectl config delete-context`). */
  const dropContext = () => {
    const file = process.env.KUBECONFIG as string;
    const doc = parseYaml(readFileSync(file, "utf8"));
    for (const key of ["clusters", "users", "contexts"]) doc[key] = (doc[key] ?? []).filter((e: { name: string }) => e.name !== "kind-kt");
    delete doc["current-context"];
    writeFileSync(file, stringify(doc));
  };

  await t.test("the cluster exists but its context is gone: up exports the kubeconfig and goes on, without creating", async () => {
    // The stand-in kind does not know `export kubeconfig`: this wrapper adds it, the rest goes to the stand-in.
    const wrapper = join(work, "kind-with-export");
    writeFileSync(
      wrapper,
      `#!/usr/bin/env node
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { parse, stringify } from ${JSON.stringify(join(ROOT, "node_modules/yaml/dist/index.js"))};
const args = process.argv.slice(2);
if (args[0] === "export" && args[1] === "kubeconfig") {
  appendFileSync(process.env.FAKE_TOOLS_LOG, JSON.stringify({ tool: "kind", args }) + "\\n");
  const name = args[args.indexOf("--name") + 1];
  const clusters = existsSync(process.env.FAKE_TOOLS_STATE) ? JSON.parse(readFileSync(process.env.FAKE_TOOLS_STATE, "utf8")) : [];
  if (!clusters.includes(name)) { console.error("ERROR: could not locate any control plane nodes for cluster named " + name); process.exit(1); }
  const source = parse(readFileSync(process.env.FAKE_KIND_API_KUBECONFIG, "utf8"));
  const target = args.includes("--kubeconfig") ? args[args.indexOf("--kubeconfig") + 1] : process.env.KUBECONFIG;
  const doc = existsSync(target) ? (parse(readFileSync(target, "utf8")) ?? {}) : { apiVersion: "v1", kind: "Config" };
  const ctx = "kind-" + name;
  for (const [key, entry] of [["clusters", { cluster: source.clusters[0].cluster }], ["users", { user: source.users[0].user }], ["contexts", { context: { cluster: ctx, user: ctx } }]])
    doc[key] = [...(doc[key] ?? []).filter((e) => e.name !== ctx), { ...entry, name: ctx }];
  doc["current-context"] = ctx;
  writeFileSync(target, stringify(doc));
  console.error("Set kubectl context to \\"" + ctx + "\\"");
} else {
  process.exit(spawnSync(${JSON.stringify(join(FAKE_BIN, "kind"))}, args, { stdio: "inherit" }).status ?? 1);
}
`,
    );
    chmodSync(wrapper, 0o755);
    process.env.KINDLING_KIND_BIN = wrapper;
    try {
      newCalls();
      dropContext();
      const r = await upKind("cilium");
      assert.deepEqual(r.errors, []);
      assert.equal(r.createdCluster, false);
      const cmds = newCalls();
      assert.ok(cmds.includes("kind get clusters"), cmds.join("\n"));
      assert.ok(cmds.includes("kind export kubeconfig --name kt"), cmds.join("\n"));
      assert.ok(!cmds.some((c) => c.startsWith("kind create") || c.startsWith("kind delete")), cmds.join("\n"));
      assert.equal((await upKind("cilium")).upToDate, true, "the context is back: warm again");

      // With --recreate the cluster is deleted first, then created.
      dropContext();
      const again = await upKind("cilium", true);
      assert.deepEqual(again.errors, []);
      const cmds2 = newCalls();
      const del = cmds2.indexOf("kind delete cluster --name kt");
      const create = cmds2.findIndex((c) => c.startsWith("kind create cluster --name kt"));
      assert.ok(del >= 0 && create > del, cmds2.join("\n"));
      assert.equal(again.createdCluster, true);
    } finally {
      process.env.KINDLING_KIND_BIN = join(FAKE_BIN, "kind");
    }
  });

  await t.test("kube-proxy replacement with another --name: up stops before creating anything and names the option", async () => {
    const cilium = {
      name: "cilium",
      namespace: "kube-system",
      dependsOn: [],
      objects: [
        {
          apiVersion: "apps/v1",
          kind: "DaemonSet",
          metadata: { name: "cilium", namespace: "kube-system" },
          spec: {
            selector: { matchLabels: { app: "cilium" } },
            template: {
              metadata: { labels: { app: "cilium" } },
              spec: {
                containers: [
                  {
                    name: "cilium-agent",
                    image: "quay.io/cilium/cilium:v1.18.3",
                    env: [{ name: "KUBERNETES_SERVICE_HOST", value: "kindling-control-plane" }],
                  },
                ],
              },
            },
          },
        },
      ],
    };
    const dir = await writeSampleEnv(join(work, "kpr"), [cilium], { profile: "cilium" });
    const info = JSON.parse(readFileSync(join(dir, "build.json"), "utf8"));
    writeFileSync(join(dir, "build.json"), JSON.stringify({ ...info, cluster: { kubeProxyMode: "none" } }));
    newCalls();
    await assert.rejects(
      up({ env: "local", target: resolveTarget({ name: "kpr", stateDir }), render: async () => dir, timeoutMs: 10_000 }),
      (err: unknown) => {
        assert.ok(err instanceof ClusterError, String(err));
        assert.match(err.message, /kubeProxyReplacement is on.*"kindling-control-plane".*Kind cluster kpr.*"kpr-control-plane"/);
        assert.match(err.hint, /set cilium\.apiServerHost to "kpr-control-plane"/);
        return true;
      },
    );
    assert.ok(!newCalls().some((c) => c.startsWith("kind create") || c.startsWith("docker")));
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
