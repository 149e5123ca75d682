import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { stringify } from "yaml";
import { dashboardFiles } from "../../../src/components/lib/grafana-dashboards/index.ts";
import { requireTool } from "../../helpers/tools.ts";

// biome-ignore lint/suspicious/noExplicitAny: dashboard JSON
type Any = any;
const dashboards = Object.entries(dashboardFiles()).map(([file, text]) => [file, JSON.parse(text)] as [string, Any]);
const exprs = (d: Any): string[] => d.panels.flatMap((p: Any) => (p.targets ?? []).map((t: Any) => t.expr));

describe("grafana dashboards", () => {
  it("are valid dashboards: unique uid, Prometheus datasource by uid, panels inside the 24-column grid without overlap", () => {
    const uids = dashboards.map(([, d]) => d.uid);
    assert.equal(new Set(uids).size, uids.length);
    for (const [file, d] of dashboards) {
      assert.ok(d.title && d.panels.length > 3, file);
      const cells = new Set<string>();
      for (const p of d.panels) {
        const { x, y, w, h } = p.gridPos;
        assert.ok(x >= 0 && x + w <= 24, `${file}: ${p.title} fits the grid`);
        for (let i = x; i < x + w; i++) {
          for (let j = y; j < y + h; j++) {
            assert.ok(!cells.has(`${i},${j}`), `${file}: ${p.title} overlaps another panel`);
            cells.add(`${i},${j}`);
          }
        }
        if (p.type !== "row") assert.equal(p.datasource.uid, "prometheus", `${file}: ${p.title}`);
      }
    }
  });

  it("the collector dashboard watches the pipeline through otelcol_* metrics", () => {
    const collector = dashboards.find(([f]) => f === "collector-pipeline.json")?.[1];
    const all = exprs(collector).join("\n");
    for (const m of [
      "otelcol_receiver_accepted_spans",
      "otelcol_receiver_refused_log_records",
      "otelcol_exporter_send_failed_metric_points",
      "otelcol_exporter_queue_size",
    ]) {
      assert.ok(all.includes(m), m);
    }
  });

  it("every query parses as PromQL (checked by the real promtool)", async (t) => {
    const promtool = requireTool(t, "promtool");
    if (!promtool) return;
    const dir = mkdtempSync(join(tmpdir(), "kindling-dashboards-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const rules = dashboards.flatMap(([, d]) => exprs(d)).map((expr, i) => ({ record: `kindling:dashboard_query:${i}`, expr }));
    assert.ok(rules.length > 20);
    writeFileSync(join(dir, "rules.yaml"), stringify({ groups: [{ name: "dashboards", rules }] }));
    const out = await promisify(execFile)(promtool, ["check", "rules", join(dir, "rules.yaml")], { timeout: 30_000 });
    assert.match(out.stdout, new RegExp(`SUCCESS: ${rules.length} rules found`));
  });
});
