/**
 * Renders a component's pinned chart with the real helm, from whatever this
 * machine has offline: the verified archive cache, or a mirror of
 * <chart>-<version>.tgz archives (KINDLING_CHART_MIRROR, else the dev mirror
 * ~/.cache/kindling/mirror). When neither holds the chart the test is skipped
 * with the reason — the tests of the values we pass still run elsewhere.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { parse as parseYaml } from "yaml";
import type { ChartInput } from "../../../src/components/types.ts";
import { type ChartSources, cachedArchivePath, readLock, renderChart } from "../../../src/helm/index.ts";
import { KIND_NODE_IMAGE } from "../../../src/kind/node-image.ts";
import type { KubeObject } from "../../../src/model/k8s.ts";
import { cacheDir } from "../../../src/tools/locate.ts";
import { requireTool } from "../../helpers/tools.ts";

const REPO_ROOT = new URL("../../..", import.meta.url).pathname;
const LOCK_FILE = join(REPO_ROOT, "charts.lock.yaml");

/** Where the archive of a pinned chart is, or why it cannot be had offline. */
export async function offlineChartSources(input: ChartInput): Promise<{ sources: ChartSources; archive: string } | { missing: string }> {
  const { chart } = input;
  const entry = (await readLock(LOCK_FILE)).charts[chart.name];
  if (!entry || entry.version !== chart.version) {
    return {
      missing: `chart ${chart.name} ${chart.version} is not pinned in charts.lock.yaml (run kindling charts lock --chart ${chart.name})`,
    };
  }
  const cache = cacheDir();
  const base: ChartSources = { lockFile: LOCK_FILE, cacheDir: cache, offline: true, warn: () => {} };
  const cached = cachedArchivePath(cache, { chart: entry.chart, version: entry.version, digest: entry.digest });
  if (existsSync(cached)) return { sources: base, archive: cached };
  const mirror = process.env.KINDLING_CHART_MIRROR || join(cache, "mirror");
  const mirrored = join(mirror, `${entry.chart}-${entry.version}.tgz`);
  // renderChart checks the mirror archive against the lock's digest before using it.
  if (existsSync(mirrored)) return { sources: { ...base, mirrorDir: mirror }, archive: mirrored };
  return {
    missing: `chart ${chart.name} ${chart.version} is not available offline: not in the archive cache ${join(cache, "charts")} and not in the mirror ${mirror} (run kindling charts pull, or set KINDLING_CHART_MIRROR)`,
  };
}

/**
 * helm template of one ChartInput exactly as the render pipeline would run
 * it, or undefined after t.skip(reason) when helm or the chart is missing.
 */
export async function renderPinnedChart(t: TestContext, input: ChartInput, namespace: string): Promise<KubeObject[] | undefined> {
  if (!requireTool(t, "helm")) return undefined;
  const result = await renderOffline(input, namespace);
  if ("missing" in result) {
    t.skip(result.missing);
    return undefined;
  }
  return result.objects;
}

/** The same without a test context (the caller has checked for helm): for one render shared by several tests. */
export async function renderOffline(input: ChartInput, namespace: string): Promise<{ objects: KubeObject[] } | { missing: string }> {
  const found = await offlineChartSources(input);
  if ("missing" in found) return found;
  const objects = await renderChart(
    {
      chart: input.chart,
      release: input.release,
      namespace: input.namespace ?? namespace,
      values: input.values,
      includeCrds: input.includeCrds,
      // What the render pipeline tells helm too (src/render/expand.ts).
      kubeVersion: KIND_NODE_IMAGE.kubernetesVersion,
      apiVersions: input.apiVersions,
    },
    found.sources,
  );
  return { objects };
}

export function find(objects: KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found)
    throw new Error(`no ${kind} ${name} in the chart output; have: ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(", ")}`);
  return found;
}

/**
 * Value paths we set that the chart's own values.yaml does not have, read
 * with `helm show values`. For charts without a values.schema.json this is
 * what catches a misspelt key, which helm would silently ignore. Below a
 * free-form path (a map the chart passes through, like resources or a
 * ConfigMap's data) and below a default of {} nothing is checked.
 */
export function unknownValuePaths(ours: unknown, defaults: unknown, freeForm: readonly string[] = [], path = ""): string[] {
  if (!isMap(ours) || freeForm.includes(path)) return [];
  if (!isMap(defaults)) return [];
  if (path !== "" && Object.keys(defaults).length === 0) return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(ours)) {
    const child = path ? `${path}.${key}` : key;
    if (!(key in defaults)) out.push(child);
    else out.push(...unknownValuePaths(value, defaults[key], freeForm, child));
  }
  return out;
}

/** The chart's default values (`helm show values` on the pinned archive). */
export function chartDefaultValues(helm: string, archive: string): unknown {
  return parseYaml(execFileSync(helm, ["show", "values", archive], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }));
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
