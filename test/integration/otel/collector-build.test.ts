/**
 * The collector is built from the generated builder config with the real
 * OpenTelemetry Collector Builder, is cached outside the repo, contains
 * exactly the pinned modules, and accepts the config kindling renders for
 * every environment.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { writeBuildContext } from "../../../scripts/otelcol-build.ts";
import { buildCollector } from "../../../scripts/otelcol-cache.ts";
import { POD_IP_ENV } from "../../../src/components/lib/otelcol-config.ts";
import { requireTool } from "../../helpers/tools.ts";
import { platformDistribution as dist } from "./distributions.ts";
import { run } from "./processes.ts";
import { ENVIRONMENTS, renderedFile } from "./rendered.ts";

interface ComponentsOutput {
  buildinfo: { command: string; version: string };
  receivers: { name: string; module: string }[];
  processors: { name: string; module: string }[];
  exporters: { name: string; module: string }[];
  extensions: { name: string; module: string }[];
  providers: { scheme: string; module: string }[];
}

test("kindling's collector distribution, built with ocb from the generated builder config", { timeout: 45 * 60_000 }, async (t) => {
  const ocb = requireTool(t, "ocb");
  if (!ocb) return;
  const dir = mkdtempSync(join(tmpdir(), "kindling-otelcol-build-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  const first = await buildCollector(dist, { ocb, log: (l) => t.diagnostic(l) });
  const again = await buildCollector(dist, { ocb });
  t.diagnostic(
    `ocb build: ${first.buildSeconds.toFixed(0)}s${first.cached ? " (earlier run, read from the cache entry)" : " (this run)"}; ` +
      `cache hit: ${again.elapsedSeconds.toFixed(3)}s; entry ${first.dir}`,
  );

  await t.test("a second build of the same config is a cache hit under the kindling cache, not in the repo", () => {
    assert.equal(again.cached, true);
    assert.equal(again.binary, first.binary);
    assert.ok(again.elapsedSeconds < 2, `cache hit took ${again.elapsedSeconds}s`);
    assert.ok(!first.dir.startsWith(process.cwd()), `cache entry ${first.dir} must be outside the repository`);
  });

  await t.test("the image build context holds the very builder config the binary was built from", () => {
    const [builderConfig] = writeBuildContext(join(dir, "context"), dist);
    assert.equal(readFileSync(builderConfig as string, "utf8"), readFileSync(join(first.dir, "builder-config.yaml"), "utf8"));
    assert.match(readFileSync(join(dir, "context", "Dockerfile"), "utf8"), /^RUN .*builder --config=builder-config\.yaml$/m);
  });

  await t.test("the binary contains exactly the pinned modules, under the component types configs use", async () => {
    const out = parse(await run(first.binary, ["components"])) as ComponentsOutput;
    assert.equal(out.buildinfo.version, dist.version);
    for (const kind of ["receivers", "processors", "exporters", "extensions"] as const) {
      const actual = out[kind].map((c) => `${c.name} ${c.module}`).sort();
      const expected = dist[kind].map((m) => `${m.type} ${m.gomod}`).sort();
      assert.deepEqual(actual, expected, kind);
    }
    assert.deepEqual(out.providers.map((p) => p.module).sort(), [...dist.providers].sort());
  });

  await t.test("`validate` accepts the collector config rendered for every environment", async () => {
    for (const env of ENVIRONMENTS) {
      const file = join(dir, `${env}.yaml`);
      writeFileSync(file, renderedFile(env, "otel-collector", "otel-collector", "config.yaml"));
      await run(first.binary, ["validate", `--config=${file}`], 60_000, { [POD_IP_ENV]: "10.244.0.7" });
    }
  });

  await t.test("`validate` is a real check: it rejects a misspelt key in the same config", async () => {
    const file = join(dir, "broken.yaml");
    writeFileSync(
      file,
      renderedFile("local", "otel-collector", "otel-collector", "config.yaml").replace("limit_percentage:", "limit_percent:"),
    );
    await assert.rejects(run(first.binary, ["validate", `--config=${file}`]), /invalid keys: limit_percent/);
  });
});
