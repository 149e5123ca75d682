/**
 * A running telemetry stack on loopback, for the collector integration tests:
 *   telemetrygen → kindling's collector (built from the generated builder
 *   config, running the rendered config with loopback addresses)
 *     → a real Prometheus with the remote-write receiver   (metrics)
 *     → a second real collector with the file exporter    (traces as "Tempo", logs as "Loki")
 * Prometheus also scrapes the collector's own metrics every second, so alert
 * rule expressions can be evaluated against what the real collector exposes.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { parse, stringify } from "yaml";
import { buildCollector } from "../../../scripts/otelcol-cache.ts";
import { POD_IP_ENV } from "../../../src/components/lib/otelcol-config.ts";
import { requireTool } from "../../helpers/tools.ts";
import { platformDistribution, sinkDistribution } from "./distributions.ts";
import { type LoopbackPorts, loopbackCollectorConfig, sinkCollectorConfig } from "./loopback.ts";
import { freePort, getJson, type Running, run, start, stop, waitFor } from "./processes.ts";
import { renderedFile } from "./rendered.ts";

const STARTUP_MS = 30_000;
export const DELIVERY_MS = 60_000;

interface PromVector {
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

export interface Stack {
  files: { traces: string; logs: string };
  collectorPorts: LoopbackPorts;
  prometheusUrl: string;
  /** Runs telemetrygen against the collector's OTLP gRPC receiver, service "kindling-probe". */
  telemetrygen(signal: "metrics" | "traces" | "logs", ...args: string[]): Promise<string>;
  /** An instant query; the result vector (empty when nothing matches). */
  query(promql: string): Promise<PromVector["data"]["result"]>;
  /** Waits up to DELIVERY_MS for `check` to return a value, failing with every server's log. */
  until<T>(what: string, check: () => Promise<T | undefined>): Promise<T>;
  /** Restarts the collector under test with its config changed by `edit` (same ports). */
  // biome-ignore lint/suspicious/noExplicitAny: parsed YAML
  restartCollector(edit: (config: Record<string, any>) => void): Promise<void>;
}

/**
 * Starts the stack, or returns undefined when a tool is missing (skipped
 * outside CI, failed in CI, by requireTool). Everything is stopped and the
 * temp folder removed when the test ends, whatever happens.
 */
export async function startStack(t: TestContext): Promise<Stack | undefined> {
  const ocb = requireTool(t, "ocb");
  const telemetrygenBin = requireTool(t, "telemetrygen");
  const prometheusBin = requireTool(t, "prometheus");
  if (!ocb || !telemetrygenBin || !prometheusBin) return undefined;

  const procs: Running[] = [];
  const dir = mkdtempSync(join(tmpdir(), "kindling-otel-"));
  t.after(async () => {
    await Promise.all(procs.map((p) => stop(p)));
    rmSync(dir, { recursive: true, force: true });
  });

  const build = async (d: typeof platformDistribution) => {
    const b = await buildCollector(d, { ocb, log: (line) => t.diagnostic(line) });
    const took = `ocb build took ${b.buildSeconds.toFixed(0)}s`;
    t.diagnostic(`${d.name}: ${b.cached ? `cache hit in ${b.elapsedSeconds.toFixed(2)}s (${took} when it ran)` : took}`);
    return b;
  };
  const platform = await build(platformDistribution);
  const sink = await build(sinkDistribution);

  const port = { prom: await freePort(), sinkGrpc: await freePort(), sinkHttp: await freePort(), sinkHealth: await freePort() };
  const collectorPorts = { otlpGrpc: await freePort(), otlpHttp: await freePort(), health: await freePort(), metrics: await freePort() };
  const prometheusUrl = `http://127.0.0.1:${port.prom}`;
  const files = { traces: join(dir, "traces.jsonl"), logs: join(dir, "logs.jsonl") };
  const ok = async (url: string) => ((await fetch(url, { signal: AbortSignal.timeout(2000) })).ok ? true : undefined);

  writeFileSync(
    join(dir, "prometheus.yml"),
    stringify({
      global: { scrape_interval: "1s", evaluation_interval: "1s" },
      scrape_configs: [{ job_name: "otel-collector", static_configs: [{ targets: [`127.0.0.1:${collectorPorts.metrics}`] }] }],
    }),
  );
  procs.push(
    start("prometheus", prometheusBin, [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "tsdb")}`,
      `--web.listen-address=127.0.0.1:${port.prom}`,
      // The two flags the platform's Prometheus runs with.
      "--web.enable-remote-write-receiver",
      "--enable-feature=exemplar-storage",
    ]),
  );

  writeFileSync(
    join(dir, "sink.yaml"),
    sinkCollectorConfig({ grpc: port.sinkGrpc, http: port.sinkHttp, health: port.sinkHealth, ...files }),
  );
  procs.push(start("sink collector", sink.binary, [`--config=${join(dir, "sink.yaml")}`]));

  const config = loopbackCollectorConfig(renderedFile("local", "otel-collector", "otel-collector", "config.yaml"), collectorPorts, {
    tempo: `127.0.0.1:${port.sinkGrpc}`,
    loki: `http://127.0.0.1:${port.sinkHttp}/otlp`,
    remoteWrite: `${prometheusUrl}/api/v1/write`,
  });
  const startCollector = async (text: string) => {
    writeFileSync(join(dir, "collector.yaml"), text);
    const p = start("kindling collector", platform.binary, [`--config=${join(dir, "collector.yaml")}`], {
      env: { [POD_IP_ENV]: "127.0.0.1" },
    });
    procs.push(p);
    await waitFor("kindling collector healthy", () => ok(`http://127.0.0.1:${collectorPorts.health}/`), STARTUP_MS, procs);
    return p;
  };

  await waitFor("Prometheus ready", () => ok(`${prometheusUrl}/-/ready`), STARTUP_MS, procs);
  await waitFor("sink collector healthy", () => ok(`http://127.0.0.1:${port.sinkHealth}/`), STARTUP_MS, procs);
  let collector = await startCollector(config);
  // Prometheus hands discovered targets to the scraper only every 5s: wait for a first successful
  // scrape of the collector, so tests that need rates see every counter from the start.
  const up = `${prometheusUrl}/api/v1/query?query=${encodeURIComponent('up{job="otel-collector"} == 1')}`;
  await waitFor(
    "Prometheus scraping the collector",
    async () => ((await getJson(up)) as PromVector | undefined)?.data.result[0],
    STARTUP_MS,
    procs,
  );

  return {
    files,
    collectorPorts,
    prometheusUrl,
    telemetrygen: (signal, ...args) =>
      run(telemetrygenBin, [
        signal,
        "--otlp-endpoint",
        `127.0.0.1:${collectorPorts.otlpGrpc}`,
        "--otlp-insecure",
        "--service",
        "kindling-probe",
        ...args,
      ]),
    query: async (promql) =>
      ((await getJson(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`)) as PromVector | undefined)?.data.result ?? [],
    until: (what, check) => waitFor(what, check, DELIVERY_MS, procs),
    restartCollector: async (edit) => {
      await stop(collector);
      procs.splice(procs.indexOf(collector), 1);
      const changed = parse(config);
      edit(changed);
      collector = await startCollector(stringify(changed));
    },
  };
}
