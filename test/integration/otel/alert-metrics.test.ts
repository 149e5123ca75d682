/**
 * The collector alert rules, evaluated by a real Prometheus against what the
 * real collector exposes: quiet while data flows, and OtelCollectorExportFailing
 * naming the exporter when a backend refuses connections. This is what ties
 * the metric names and exporter ids in prometheus-rules.ts to the collector
 * release; `promtool test rules` (test/integration/prometheus) covers the
 * rules' logic on synthetic series.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { EXPORTERS } from "../../../src/components/lib/otelcol-config.ts";
import { platformRuleGroups } from "../../../src/components/lib/prometheus-rules.ts";
import { freePort } from "./processes.ts";
import { startStack } from "./stack.ts";

const rules = platformRuleGroups({ collector: true, alertmanager: true, postgresql: true }).flatMap((g) => g.rules);
function expr(alert: string): string {
  const rule = rules.find((r) => r.alert === alert);
  assert.ok(rule, `no rule ${alert}`);
  return rule.expr;
}

const DELIVERY: [alert: string, signal: string, exporter: string][] = [
  ["TempoNotIngesting", "spans", EXPORTERS.tempo],
  ["LokiNotIngesting", "log_records", EXPORTERS.loki],
  ["PrometheusNotIngestingOtlpMetrics", "metric_points", EXPORTERS.prometheus],
];

test("the collector alert rules hold against the real collector's metrics", { timeout: 45 * 60_000 }, async (t) => {
  const stack = await startStack(t);
  if (!stack) return;
  const nonEmpty = (promql: string) =>
    stack.until(`a result for ${promql}`, async () => {
      const r = await stack.query(promql);
      return r.length ? r : undefined;
    });
  // Several seconds of traffic, each item sent at once (telemetrygen batches for 5s by default), so
  // the counters rise across scrapes and rates are above zero.
  const traffic = (signal: "metrics" | "traces" | "logs") =>
    stack.telemetrygen(signal, "--duration", "4s", "--rate", "20", "--batch=false");

  await t.test("while every signal is delivered, no delivery or collector rule fires", async () => {
    await Promise.all([traffic("traces"), traffic("logs"), traffic("metrics")]);
    for (const [alert, signal, exporter] of DELIVERY) {
      // Both halves of the rule see real data: signals come in, and go out through the rule's exporter id...
      await nonEmpty(`sum(rate(otelcol_receiver_accepted_${signal}[10m])) > 0`);
      await nonEmpty(`sum(rate(otelcol_exporter_sent_${signal}{exporter="${exporter}"}[10m])) > 0`);
      // ...so the rule is quiet.
      assert.deepEqual(await stack.query(expr(alert)), [], alert);
    }
    for (const alert of ["OtelCollectorExportFailing", "OtelCollectorQueueFull", "OtelCollectorRefusingData"]) {
      assert.deepEqual(await stack.query(expr(alert)), [], alert);
    }
  });

  await t.test("a backend refusing connections makes OtelCollectorExportFailing fire for that exporter", async () => {
    const nobody = await freePort();
    await stack.restartCollector((c) => {
      c.exporters[EXPORTERS.tempo].endpoint = `127.0.0.1:${nobody}`;
      // Fail each batch at once instead of retrying for minutes; only the timing changes, not the metric.
      c.exporters[EXPORTERS.tempo].retry_on_failure = { enabled: false };
    });
    await traffic("traces");
    const firing = await nonEmpty(expr("OtelCollectorExportFailing"));
    assert.deepEqual(
      firing.map((r) => r.metric.exporter),
      [EXPORTERS.tempo],
    );
  });
});
