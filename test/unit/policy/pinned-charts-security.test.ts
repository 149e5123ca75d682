/**
 * The security gate over the pinned charts of cilium, istio and traefik,
 * rendered by the real helm with kindling's values: no finding is left
 * unexplained, and every exemption is used. Skipped, with the reason, when
 * helm or a chart archive is not available offline.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it, type TestContext } from "node:test";
import { components } from "../../../src/components/index.ts";
import type { ChartInput } from "../../../src/components/types.ts";
import { CHART_EXCEPTIONS, type ChartException } from "../../../src/policy/chart-exceptions.ts";
import { PRIVILEGED_WORKLOADS, type PrivilegedWorkload } from "../../../src/policy/privileged.ts";
import { type ExemptFinding, type SecurityReport, securityReport } from "../../../src/policy/security-gate.ts";
import { requireTool } from "../../helpers/tools.ts";
import { offlineChartSources, renderOffline } from "../../integration/components/pinned-chart.ts";
import { appsOf } from "../components/profiles-environment.ts";

/** Every chart app of the three components, as the full profile renders them. */
const CHART_APPS = appsOf("full").filter((a) => ["cilium", "istio-base", "istiod", "istio-cni", "ztunnel", "traefik"].includes(a.name));

let reports: Promise<Map<string, SecurityReport> | { missing: string }> | undefined;
/** One render of every chart app, shared by the tests; undefined after t.skip(reason) when one cannot be rendered offline. */
async function render(t: TestContext): Promise<Map<string, SecurityReport> | undefined> {
  if (!requireTool(t, "helm")) return undefined;
  reports ??= (async () => {
    const out = new Map<string, SecurityReport>();
    for (const app of CHART_APPS) {
      for (const input of app.charts ?? []) {
        const rendered = await renderOffline(input as ChartInput, app.namespace);
        if ("missing" in rendered) return rendered;
        const source = `chart ${input.chart.name} ${input.chart.version}`;
        out.set(input.chart.name, securityReport(rendered.objects.map((object) => ({ app: app.name, object, source }))));
      }
    }
    return out;
  })();
  const result = await reports;
  if (result instanceof Map) return result;
  t.skip(result.missing);
  return undefined;
}

const describeFinding = (f: { kind: string; name: string; container?: string; rule: string }) =>
  `${f.kind}/${f.name}${f.container ? ` [${f.container}]` : ""}: ${f.rule}`;

/** The findings an entry must exempt: one per rule and (listed) container. */
function expectedUses(entry: PrivilegedWorkload | ChartException): { rule: string; container?: string }[] {
  const rules = "privileges" in entry ? entry.privileges : entry.rules;
  return rules.flatMap((rule) => (entry.containers ?? [undefined]).map((container) => ({ rule, container })));
}

function isUsed(exempt: readonly ExemptFinding[], entry: PrivilegedWorkload | ChartException, rule: string, container?: string) {
  return exempt.some(
    (f) =>
      f.kind === entry.kind &&
      (typeof entry.name === "string" ? f.name === entry.name : entry.name.test(f.name)) &&
      f.rule === rule &&
      f.reason === entry.reason &&
      (container === undefined || f.container === container),
  );
}

describe("pinned charts of cilium, istio and traefik under the security gate (real helm)", () => {
  it("leave no chart finding: each is fixed through values or documented", async (t) => {
    const all = await render(t);
    if (!all) return;
    for (const [chart, report] of all) {
      assert.deepEqual(report.errors, [], chart);
      assert.deepEqual(report.chartFindings.map(describeFinding), [], `chart ${chart}`);
    }
  });

  it("run the cilium operator non-root and read-only; only its host network is exempt", async (t) => {
    const all = await render(t);
    if (!all) return;
    const operator = (all.get("cilium")?.exempt ?? []).filter((f) => f.name === "cilium-operator").map(describeFinding);
    assert.deepEqual(operator, ["Deployment/cilium-operator: noHostNamespaces"]);
  });

  it("use every privileged entry for exactly the rules and containers it lists", async (t) => {
    const all = await render(t);
    if (!all) return;
    const exempt = [...all.values()].flatMap((r) => r.exempt);
    for (const entry of PRIVILEGED_WORKLOADS) {
      for (const { rule, container } of expectedUses(entry)) {
        assert.ok(
          isUsed(exempt, entry, rule, container),
          `privileged ${entry.kind}/${String(entry.name)} [${container ?? "pod"}]: ${rule} is listed but never needed`,
        );
      }
    }
  });

  it("use every chart exception of these charts for exactly the rules and containers it lists", async (t) => {
    const all = await render(t);
    if (!all) return;
    for (const entry of CHART_EXCEPTIONS.filter((e) => all.has(e.chart))) {
      const exempt = all.get(entry.chart)?.exempt ?? [];
      for (const { rule, container } of expectedUses(entry)) {
        assert.ok(
          isUsed(exempt, entry, rule, container),
          `chart exception ${entry.chart} ${entry.kind}/${String(entry.name)} [${container ?? "all"}]: ${rule} is listed but nothing needs it (fixed by a value, or covered by privileged.ts)`,
        );
      }
    }
  });
});

describe("chart exceptions", () => {
  const pinned = new Map(Object.values(components).flatMap((c) => (c.charts ?? []).map((chart) => [chart.name, chart] as const)));

  it("were checked against the chart version each component pins", () => {
    for (const e of CHART_EXCEPTIONS) {
      const chart = pinned.get(e.chart);
      assert.ok(chart, `chart exception for ${e.chart}: no component declares that chart`);
      assert.equal(
        e.version,
        chart.version,
        `chart exception ${e.chart} ${e.kind}/${String(e.name)} was checked at ${e.version}, the component now pins ${chart.version}: read ${e.template} again, set what the chart now allows, update or delete the entry`,
      );
    }
  });

  it("name a template that exists in the pinned chart archive", async (t) => {
    for (const chart of new Set(CHART_EXCEPTIONS.map((e) => e.chart))) {
      const spec = pinned.get(chart);
      if (!spec) continue;
      const found = await offlineChartSources({ chart: spec, release: chart, values: {} });
      if ("missing" in found) return t.skip(found.missing);
      const files = new Set(execFileSync("tar", ["-tzf", found.archive], { encoding: "utf8" }).split("\n"));
      for (const e of CHART_EXCEPTIONS.filter((x) => x.chart === chart)) {
        assert.ok(files.has(e.template), `chart exception ${e.chart} ${e.kind}/${String(e.name)}: no ${e.template} in ${found.archive}`);
      }
    }
  });
});
