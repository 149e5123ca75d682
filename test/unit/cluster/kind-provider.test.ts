import assert from "node:assert/strict";
import { test } from "node:test";
import type { CommandRunner } from "../../../src/cluster/command.ts";
import { clusterConfigHash, createClusterArgs, KindProvider, loadImagesArgs } from "../../../src/cluster/kind-provider.ts";
import { dockerCheck, INSTALL_DOCKER, memoryCheck, portsCheck, START_DOCKER } from "../../../src/cluster/preflight.ts";
import { kindClusterConfig } from "../../../src/kind/config.ts";

test("kind command lines", () => {
  assert.deepEqual(createClusterArgs("kindling", "/x/kind.yaml"), [
    "create",
    "cluster",
    "--name",
    "kindling",
    "--config",
    "/x/kind.yaml",
    "--wait",
    "0s",
  ]);
  assert.deepEqual(loadImagesArgs("kindling", ["a:1", "b:2"]), ["load", "docker-image", "--name", "kindling", "a:1", "b:2"]);
});

test("the cluster config hash changes with the profile and only with it", () => {
  const a = clusterConfigHash(kindClusterConfig("dev-fast", { name: "k" }));
  assert.equal(a, clusterConfigHash(kindClusterConfig("dev-fast", { name: "k" })));
  assert.notEqual(a, clusterConfigHash(kindClusterConfig("cilium", { name: "k" })));
});

test("kind get clusters output is parsed, including kind's 'No kind clusters found.'", async () => {
  const runner =
    (out: string): CommandRunner =>
    async () => ({ code: 0, stdout: out, stderr: "" });
  assert.deepEqual(await new KindProvider("kind", "docker", runner("kindling\nother\n")).clusters(), ["kindling", "other"]);
  assert.deepEqual(await new KindProvider("kind", "docker", runner("No kind clusters found.\n")).clusters(), []);
});

test("preflight says what to install or start when Docker is missing or not running", async () => {
  const missing = await dockerCheck({ locate: () => undefined });
  assert.equal(missing.check.ok, false);
  assert.equal(missing.check.hint, INSTALL_DOCKER);
  const down = await dockerCheck({
    locate: () => "/usr/bin/docker",
    run: async () => ({
      code: 1,
      stdout: "",
      stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
    }),
  });
  assert.equal(down.check.ok, false);
  assert.match(down.check.message, /engine does not answer: Cannot connect/);
  assert.equal(down.check.hint, START_DOCKER);
  const up = await dockerCheck({
    locate: () => "/usr/bin/docker",
    run: async () => ({ code: 0, stdout: `28.2.2|${2 * 2 ** 30}|4\n`, stderr: "" }),
  });
  assert.equal(up.check.ok, true);
  const old = await dockerCheck({ locate: () => "/usr/bin/docker", run: async () => ({ code: 0, stdout: "20.10.7|1|1\n", stderr: "" }) });
  assert.match(old.check.message, /Docker engine 20\.10\.7 is older than 24/);
  const mem = memoryCheck("full", up.memBytes);
  assert.equal(mem.ok, false);
  assert.match(mem.message, /2\.0 GiB of memory; profile full wants 8 GiB/);
});

test("a host port in use is named with its service", async () => {
  const { createServer } = await import("node:net");
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const port = (srv.address() as { port: number }).port;
  try {
    const c = await portsCheck([{ port, service: "Grafana" }]);
    assert.equal(c.ok, false);
    assert.match(c.message, new RegExp(`${port} \\(Grafana\\)`));
  } finally {
    srv.close();
  }
});
