/** renderChart with the real `helm template`: values, flags, integrity, missing charts, local charts. */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import {
  ChartMissingError,
  type ChartSources,
  type ChartSpec,
  cachedArchivePath,
  DigestMismatchError,
  describeOrigin,
  HelmFailedError,
  LockMismatchError,
  lockCharts,
  NotLockedError,
  originOf,
  renderChart,
} from "../../../src/helm/index.ts";
import type { KubeObject } from "../../../src/model/k8s.ts";
import { at, CHART_FIXTURES, packageChart, requireTool, tempDir } from "./helpers.ts";

delete process.env.KINDLING_CHART_MIRROR;
const helm = requireTool("helm");

const HELLO: ChartSpec = { name: "hello", repository: "https://charts.example.invalid", chart: "hello", version: "0.1.0" };

function project(extra: Partial<ChartSources> = {}): ChartSources & { warnings: string[] } {
  const dir = tempDir("project");
  const warnings: string[] = [];
  return { lockFile: join(dir, "charts.lock.yaml"), cacheDir: join(dir, "cache"), warn: (m) => warnings.push(m), warnings, ...extra };
}

function find(objects: KubeObject[], kind: string): KubeObject {
  const found = objects.find((o) => o.kind === kind);
  assert.ok(found, `no ${kind} in ${objects.map((o) => o.kind).join(", ")}`);
  return found;
}

describe("renderChart", { skip: !helm && "helm missing" }, () => {
  let mirror: string;
  before(() => {
    mirror = tempDir("mirror");
    packageChart(helm as string, join(CHART_FIXTURES, "hello"), mirror);
  });

  /** A project whose lock pins hello from the mirror, with the archive cached. */
  async function locked(extra: Partial<ChartSources> = {}) {
    const src = project({ mirrorDir: mirror, ...extra });
    const { lock } = await lockCharts([HELLO], src);
    return { src, entry: lock.charts.hello as NonNullable<(typeof lock.charts)["hello"]> };
  }

  test("renders the cached archive with our values, offline and without a mirror", async () => {
    const { src } = await locked();
    const objects = await renderChart(
      { chart: HELLO, release: "web", namespace: "shop", values: { replicaCount: 3, greeting: "hi there", service: { port: 8081 } } },
      { ...src, mirrorDir: undefined, offline: true },
    );
    assert.deepEqual(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort(), [
      "ConfigMap/web-hello",
      "Deployment/web-hello",
      "Service/web-hello",
    ]);
    for (const o of objects) assert.equal(o.metadata.namespace, "shop");
    const deploy = find(objects, "Deployment");
    assert.equal(at(deploy, "spec.replicas"), 3);
    assert.equal(at(deploy, "spec.template.spec.containers.0.image"), "nginx:1.27");
    // `defaultMode: 0644` in the template is YAML 1.1 octal, as kubectl reads it.
    assert.equal(at(deploy, "spec.template.spec.volumes.0.configMap.defaultMode"), 0o644);
    assert.equal(at(find(objects, "Service"), "spec.ports.0.port"), 8081);
    assert.equal(at(find(objects, "ConfigMap"), "data.greeting"), "hi there");

    const origin = originOf(deploy);
    assert.deepEqual(origin, { kind: "helm", chart: "hello", template: "hello/templates/deployment.yaml" });
    assert.equal(describeOrigin(origin as never), "chart hello, hello/templates/deployment.yaml");
  });

  test("flags: --include-crds, --kube-version, --api-versions, and helm tests left out by default", async () => {
    const { src } = await locked();
    const plain = await renderChart({ chart: HELLO, release: "a", namespace: "ns", values: {} }, src);
    assert.ok(!plain.some((o) => o.kind === "CustomResourceDefinition"));
    assert.ok(!plain.some((o) => o.kind === "Pod"), "helm test pod rendered");

    const full = await renderChart(
      {
        chart: HELLO,
        release: "a",
        namespace: "ns",
        values: {},
        includeCrds: true,
        kubeVersion: "1.34.5",
        apiVersions: ["example.com/v1"],
        skipTests: false,
      },
      src,
    );
    const crd = find(full, "CustomResourceDefinition");
    assert.equal(crd.metadata.name, "greetings.example.com");
    assert.equal(
      originOf(crd)?.kind === "helm" && (originOf(crd) as { template: string }).template,
      "hello/crds/greetings.example.com.yaml",
    );
    const cm = find(full, "ConfigMap");
    assert.equal(at(cm, "data.kubeVersion"), "v1.34.5");
    assert.equal(at(cm, "data.exampleApi"), "present");
    assert.ok(full.some((o) => o.kind === "Pod" && o.metadata.name === "a-hello-test"));
  });

  test("fetches a locked chart missing from the cache from the mirror, verifying it", async () => {
    const { src } = await locked();
    const objects = await renderChart(
      { chart: HELLO, release: "r", namespace: "ns", values: {} },
      { ...src, cacheDir: join(tempDir("fresh"), "cache") },
    );
    assert.equal(objects.length, 3);
  });

  test("refuses a cached archive changed after it was verified", async () => {
    const { src, entry } = await locked();
    const cached = cachedArchivePath(src.cacheDir, entry);
    writeFileSync(cached, "tampered");
    await assert.rejects(renderChart({ chart: HELLO, release: "r", namespace: "ns", values: {} }, src), (e: unknown) => {
      assert.ok(e instanceof DigestMismatchError);
      assert.equal(e.chart, "hello");
      assert.equal(e.expected, entry.digest);
      assert.match(
        e.message,
        /^refusing chart hello 0\.1\.0: archive digest sha256:[0-9a-f]{64} does not match charts\.lock\.yaml sha256:/,
      );
      assert.ok(e.message.includes(cached));
      assert.match(e.hint, /delete it and run `kindling charts pull`/);
      return true;
    });
  });

  test("a chart missing from the cache, offline and without a mirror, names the chart and the fix", async () => {
    const { src } = await locked();
    const empty = { ...src, cacheDir: join(tempDir("empty"), "cache"), mirrorDir: undefined, offline: true };
    await assert.rejects(renderChart({ chart: HELLO, release: "r", namespace: "ns", values: {} }, empty), (e: unknown) => {
      assert.ok(e instanceof ChartMissingError);
      assert.equal(e.chart, "hello");
      assert.equal(
        e.message,
        "chart hello 0.1.0 is not in the cache and kindling is offline (the network may not be used): run `kindling charts pull` on a connected machine, or set KINDLING_CHART_MIRROR to a directory holding hello-0.1.0.tgz",
      );
      return true;
    });
  });

  test("KINDLING_CHART_MIRROR is used when the config sets no mirror", async () => {
    const { src } = await locked();
    process.env.KINDLING_CHART_MIRROR = mirror;
    try {
      const objects = await renderChart(
        { chart: HELLO, release: "r", namespace: "ns", values: {} },
        { ...src, cacheDir: join(tempDir("fresh"), "cache"), mirrorDir: undefined, offline: true },
      );
      assert.equal(objects.length, 3);
    } finally {
      delete process.env.KINDLING_CHART_MIRROR;
    }
  });

  test("refuses charts that are not locked or declared differently", async () => {
    const src = project({ mirrorDir: mirror });
    await assert.rejects(renderChart({ chart: HELLO, release: "r", namespace: "ns", values: {} }, src), (e: unknown) => {
      assert.ok(e instanceof NotLockedError);
      assert.match(
        e.message,
        /chart hello is declared by a component but is not pinned in charts\.lock\.yaml; run `kindling charts lock --chart hello`/,
      );
      return true;
    });
    await lockCharts([HELLO], src);
    await assert.rejects(
      renderChart({ chart: { ...HELLO, version: "0.2.0" }, release: "r", namespace: "ns", values: {} }, src),
      (e: unknown) => e instanceof LockMismatchError && /declares version 0\.2\.0 but charts\.lock\.yaml has 0\.1\.0/.test(e.message),
    );
  });

  test("a template failure is a HelmFailedError carrying helm's message", async () => {
    const { src } = await locked();
    await assert.rejects(
      renderChart({ chart: HELLO, release: "r", namespace: "ns", values: { failWith: "greeting is required" } }, src),
      (e: unknown) => {
        assert.ok(e instanceof HelmFailedError);
        assert.match(e.message, /^chart hello: helm template \(release r, namespace ns\) failed:/);
        assert.match(e.stderr, /hello\/templates\/configmap\.yaml.*greeting is required/);
        return true;
      },
    );
  });

  test("a local chart directory renders without a lock and warns once that no digest is checked", async () => {
    const src = project({ localCharts: { hello: join(CHART_FIXTURES, "hello") }, offline: true });
    const req = { chart: HELLO, release: "dev", namespace: "ns", values: { greeting: "local" } };
    const objects = await renderChart(req, src);
    assert.equal(at(find(objects, "ConfigMap"), "data.greeting"), "local");
    await renderChart({ ...req, release: "dev2" }, src);
    assert.equal(src.warnings.length, 1, src.warnings.join("\n"));
    assert.match(
      src.warnings[0] as string,
      /^chart hello: using the local directory .*test\/fixtures\/charts\/hello instead of the locked chart; no digest is checked/,
    );

    await assert.rejects(
      renderChart(req, project({ localCharts: { hello: tempDir("not-a-chart") } })),
      /local chart directory .* has no Chart\.yaml/,
    );
  });
});
