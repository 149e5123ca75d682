/**
 * Small builders for Grafana dashboard JSON (schemaVersion 39). Panels are
 * laid out left to right, 24 columns wide, by `grid`, so a dashboard file
 * lists panels in reading order and never computes coordinates by hand.
 */

export interface Target {
  expr: string;
  legend?: string;
}

export interface Panel {
  type: "timeseries" | "stat" | "row";
  title: string;
  description?: string;
  unit?: string;
  targets?: Target[];
  /** Width in grid columns (of 24). */
  width?: number;
  height?: number;
  /** stat panels: the value turns red above this. */
  redAbove?: number;
}

const PROM = { type: "prometheus", uid: "prometheus" };

function panelJson(p: Panel, id: number, gridPos: Record<string, number>): Record<string, unknown> {
  if (p.type === "row") return { type: "row", title: p.title, id, gridPos, collapsed: false, panels: [] };
  const thresholds = {
    mode: "absolute",
    steps: [{ color: "green", value: null }, ...(p.redAbove !== undefined ? [{ color: "red", value: p.redAbove }] : [])],
  };
  return {
    type: p.type,
    title: p.title,
    ...(p.description ? { description: p.description } : {}),
    id,
    gridPos,
    datasource: PROM,
    fieldConfig: { defaults: { unit: p.unit ?? "short", thresholds }, overrides: [] },
    options:
      p.type === "stat"
        ? { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false }, colorMode: "value", graphMode: "area" }
        : { legend: { displayMode: "list", placement: "bottom", showLegend: true }, tooltip: { mode: "multi", sort: "desc" } },
    targets: (p.targets ?? []).map((t, i) => ({
      datasource: PROM,
      refId: String.fromCharCode(65 + i),
      expr: t.expr,
      legendFormat: t.legend ?? "__auto",
      // Exemplars link metric points to traces in Tempo (see grafana-datasources.ts).
      exemplar: p.type === "timeseries",
    })),
  };
}

/** Lays panels out in rows of 24 columns; a "row" panel always starts a new line. */
export function grid(panels: Panel[]): Record<string, unknown>[] {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return panels.map((p, i) => {
    const w = p.type === "row" ? 24 : (p.width ?? 12);
    const h = p.type === "row" ? 1 : (p.height ?? 8);
    if (x + w > 24 || p.type === "row") {
      y += rowHeight;
      x = 0;
      rowHeight = 0;
    }
    const pos = { x, y, w, h };
    x += w;
    rowHeight = Math.max(rowHeight, h);
    if (p.type === "row") {
      y += h;
      x = 0;
      rowHeight = 0;
    }
    return panelJson(p, i + 1, pos);
  });
}

export interface DashboardInput {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  panels: Panel[];
}

export function dashboard(d: DashboardInput): Record<string, unknown> {
  return {
    uid: d.uid,
    title: d.title,
    description: d.description,
    tags: ["kindling", ...d.tags],
    editable: false,
    schemaVersion: 39,
    version: 1,
    time: { from: "now-1h", to: "now" },
    refresh: "30s",
    timezone: "browser",
    templating: { list: [] },
    annotations: { list: [] },
    panels: grid(d.panels),
  };
}

/** A counter's per-second rate that works whether or not the exporter added "_total". */
export function rate(metric: string, selector = "", window = "5m"): string {
  const sel = selector ? `,${selector}` : "";
  return `rate({__name__=~"${metric}(_total)?"${sel}}[${window}])`;
}
