/**
 * Real OTLP data through kindling's collector (see stack.ts): metrics reach a
 * real Prometheus by remote write and are queried back by name; traces and
 * logs reach the OTLP endpoints standing in for Tempo and Loki.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { getJson } from "./processes.ts";
import { startStack } from "./stack.ts";

const SERVICE_NAME = /"key":"service.name","value":\{"stringValue":"kindling-probe"\}/;

test("telemetry goes through kindling's collector: metrics to Prometheus, traces and logs to OTLP endpoints", {
  timeout: 45 * 60_000,
}, async (t) => {
  const stack = await startStack(t);
  if (!stack) return;
  const probe = `kindling_probe_${randomBytes(4).toString("hex")}`;

  await t.test("metrics arrive in Prometheus by remote write and are queried back by name", async () => {
    await stack.telemetrygen("metrics", "--metrics", "5", "--rate", "0", "--otlp-metric-name", probe);
    const result = await stack.until(`metric ${probe} in Prometheus`, async () => {
      const r = await stack.query(probe);
      return r.length ? r : undefined;
    });
    assert.equal(result[0]?.metric.__name__, probe);
    // service.name becomes the job label in the OTLP → Prometheus translation.
    assert.equal(result[0]?.metric.job, "kindling-probe");
  });

  await t.test("exemplars keep the trace id all the way into Prometheus' exemplar storage (Grafana's metric → trace link)", async () => {
    const traceId = randomBytes(16).toString("hex");
    const counter = `${probe}_exemplar`;
    await stack.telemetrygen(
      "metrics",
      "--metrics",
      "3",
      "--rate",
      "0",
      "--metric-type",
      "Sum",
      "--otlp-metric-name",
      counter,
      "--trace-id",
      traceId,
      "--span-id",
      randomBytes(8).toString("hex"),
    );
    const now = Date.now() / 1000;
    // A monotonic sum becomes a counter: the translation adds _total.
    const url = `${stack.prometheusUrl}/api/v1/query_exemplars?query=${counter}_total&start=${now - 600}&end=${now + 600}`;
    const found = await stack.until("an exemplar", async () => {
      const r = (await getJson(url)) as { data: { exemplars: { labels: Record<string, string> }[] }[] } | undefined;
      return r?.data[0]?.exemplars[0];
    });
    assert.equal(found.labels.trace_id, traceId);
  });

  await t.test("traces reach the OTLP gRPC endpoint standing in for Tempo", async () => {
    await stack.telemetrygen("traces", "--traces", "3", "--rate", "0");
    const text = await stack.until("spans in the sink's file", async () => readIfContains(stack.files.traces, '"name":"lets-go"'));
    assert.match(text, SERVICE_NAME);
  });

  await t.test("logs reach the OTLP HTTP endpoint standing in for Loki, under Loki's /otlp path", async () => {
    const body = `kindling probe ${probe}`;
    await stack.telemetrygen("logs", "--logs", "3", "--rate", "0", "--body", body);
    const text = await stack.until("log records in the sink's file", async () => readIfContains(stack.files.logs, body));
    assert.match(text, SERVICE_NAME);
  });
});

function readIfContains(path: string, needle: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, "utf8");
  return text.includes(needle) ? text : undefined;
}
