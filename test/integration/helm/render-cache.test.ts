/**
 * The render cache: a repeated render starts no helm. Proved from outside
 * (KINDLING_HELM_BIN points at a wrapper that logs each helm invocation)
 * and from inside (helmSpawnCount).
 */
import assert from "node:assert/strict";
import { chmodSync, cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type ChartSpec, helmSpawnCount, lockCharts, renderChart } from "../../../src/helm/index.ts";
import { CHART_FIXTURES, packageChart, requireTool, tempDir } from "./helpers.ts";

delete process.env.KINDLING_CHART_MIRROR;
const helm = requireTool("helm");

const HELLO: ChartSpec = { name: "hello", repository: "https://charts.example.invalid", chart: "hello", version: "0.1.0" };

describe("helm render cache", { skip: !helm && "helm missing" }, () => {
  const savedBin = process.env.KINDLING_HELM_BIN;
  let log: string;
  let mirror: string;

  before(() => {
    mirror = tempDir("mirror");
    packageChart(helm as string, join(CHART_FIXTURES, "hello"), mirror);
    const dir = tempDir("wrapper");
    log = join(dir, "helm.log");
    const wrapper = join(dir, "helm");
    writeFileSync(wrapper, `#!/bin/sh\necho "$1" >> '${log}'\nexec '${helm}' "$@"\n`);
    chmodSync(wrapper, 0o755);
    process.env.KINDLING_HELM_BIN = wrapper;
  });
  after(() => {
    if (savedBin === undefined) delete process.env.KINDLING_HELM_BIN;
    else process.env.KINDLING_HELM_BIN = savedBin;
  });

  const templateRuns = () =>
    existsSync(log)
      ? readFileSync(log, "utf8")
          .split("\n")
          .filter((l) => l === "template").length
      : 0;

  test("a repeated render is served from the cache without spawning helm", async (t) => {
    const dir = tempDir("project");
    const src = { lockFile: join(dir, "charts.lock.yaml"), cacheDir: join(dir, "cache"), mirrorDir: mirror, offline: true };
    await lockCharts([HELLO], src);
    const req = {
      chart: HELLO,
      release: "web",
      namespace: "shop",
      values: { replicaCount: 2, image: { tag: "1.27", repository: "nginx" } },
    };

    let start = performance.now();
    const cold = await renderChart(req, src);
    const coldMs = performance.now() - start;
    assert.equal(templateRuns(), 1);

    const spawnsBefore = helmSpawnCount();
    start = performance.now();
    // Same values with keys in another order: the key is canonical JSON.
    const warm = await renderChart({ ...req, values: { image: { repository: "nginx", tag: "1.27" }, replicaCount: 2 } }, src);
    const warmMs = performance.now() - start;
    assert.equal(templateRuns(), 1, "helm ran again on a cache hit");
    assert.equal(helmSpawnCount(), spawnsBefore);
    assert.deepEqual(warm, cold);
    t.diagnostic(`helm template cold ${coldMs.toFixed(1)} ms, render-cache hit ${warmMs.toFixed(1)} ms`);

    // Anything that changes the output is a miss.
    await renderChart({ ...req, values: { replicaCount: 3 } }, src);
    await renderChart({ ...req, namespace: "other" }, src);
    await renderChart({ ...req, includeCrds: true }, src);
    assert.equal(templateRuns(), 4);
  });

  test("editing a local chart directory invalidates its cached renders", async () => {
    const chart = join(tempDir("chart"), "hello");
    cpSync(join(CHART_FIXTURES, "hello"), chart, { recursive: true });
    const dir = tempDir("project");
    const src = { lockFile: join(dir, "charts.lock.yaml"), cacheDir: join(dir, "cache"), localCharts: { hello: chart }, warn: () => {} };
    const req = { chart: HELLO, release: "dev", namespace: "ns", values: {} };
    const runs = templateRuns();
    await renderChart(req, src);
    await renderChart(req, src);
    assert.equal(templateRuns(), runs + 1);
    writeFileSync(
      join(chart, "values.yaml"),
      readFileSync(join(chart, "values.yaml"), "utf8").replace("greeting: hello", "greeting: edited"),
    );
    const objects = await renderChart(req, src);
    assert.equal(templateRuns(), runs + 2);
    assert.equal((objects.find((o) => o.kind === "ConfigMap") as unknown as { data: { greeting: string } }).data.greeting, "edited");
  });
});
