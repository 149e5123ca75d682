/**
 * lockCharts: `kindling charts lock`. Resolves declared charts to archives,
 * records their digests in charts.lock.yaml and leaves the archives in the
 * cache, so the next render needs no download.
 */
import { readFile } from "node:fs/promises";
import { type FetchedFrom, fetchArchive } from "./fetch.ts";
import { mapConcurrent } from "./limit.ts";
import { entryMatches, formatLock, readLock, writeLock } from "./lockfile.ts";
import { validateSpecs } from "./spec.ts";
import type { ChartLock, ChartSources, ChartSpec, LockEntry } from "./types.ts";

export interface LockOptions {
  /**
   * Re-resolve only these charts, even if their lock entries still match
   * (e.g. after an upstream re-publish). Other entries stay exactly as they are,
   * and undeclared entries are not removed: `--chart` is a narrow operation.
   */
  only?: string[];
}

export type LockAction = "added" | "updated" | "unchanged" | "removed" | "local";

export interface LockChange {
  chart: string;
  action: LockAction;
  entry?: LockEntry;
  previous?: LockEntry;
  /** Where a resolved archive came from; absent when nothing was fetched. */
  from?: FetchedFrom;
}

export interface LockResult {
  lock: ChartLock;
  /** One line per chart, sorted by name. */
  changes: LockChange[];
  /** False when the lock file already had exactly this content. */
  written: boolean;
}

export async function lockCharts(specs: ChartSpec[], sources: ChartSources, opts: LockOptions = {}): Promise<LockResult> {
  validateSpecs(specs);
  const only = opts.only ? new Set(opts.only) : undefined;
  for (const name of only ?? []) {
    if (!specs.some((s) => s.name === name)) {
      const declared = specs.map((s) => s.name).join(", ") || "none";
      throw new Error(`--chart ${name}: no component declares a chart named ${name} (declared: ${declared})`);
    }
  }
  const previous = await readLock(sources.lockFile);
  const warn = sources.warn ?? console.warn;

  const changes = await mapConcurrent(specs, 4, async (spec): Promise<LockChange> => {
    const old = previous.charts[spec.name];
    if (sources.localCharts?.[spec.name]) {
      // A chart under development may not be published yet: nothing to pin.
      warn(`chart ${spec.name}: taken from a local directory, so its lock entry is left ${old ? "as it was" : "absent"}`);
      return { chart: spec.name, action: "local", entry: old };
    }
    const wanted = only ? only.has(spec.name) : !entryMatches(spec, old);
    if (!wanted) return { chart: spec.name, action: "unchanged", entry: old };

    const fetched = await fetchArchive(spec.name, spec, sources);
    const entry: LockEntry = { repository: spec.repository, chart: spec.chart, version: spec.version, digest: fetched.digest };
    const same = old !== undefined && entryMatches(spec, old) && old.digest === entry.digest;
    if (old && entryMatches(spec, old) && !same) {
      warn(`chart ${spec.name} ${spec.version}: the archive changed upstream (${old.digest} -> ${entry.digest}); recording the new digest`);
    }
    const action: LockAction = same ? "unchanged" : old ? "updated" : "added";
    return { chart: spec.name, action, entry, previous: old, from: fetched.from };
  });

  const charts: Record<string, LockEntry> = {};
  for (const change of changes) if (change.entry) charts[change.chart] = change.entry;
  for (const [name, entry] of Object.entries(previous.charts)) {
    if (specs.some((s) => s.name === name)) continue;
    if (only) charts[name] = entry;
    else changes.push({ chart: name, action: "removed", previous: entry });
  }

  // Sorted like the file, so callers printing or comparing the lock see one order.
  const lock = { charts: Object.fromEntries(Object.entries(charts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
  const written = await writeIfChanged(sources.lockFile, lock);
  changes.sort((a, b) => (a.chart < b.chart ? -1 : a.chart > b.chart ? 1 : 0));
  return { lock, changes, written };
}

/** Leaves the file (and its mtime) alone when the content is already right. */
async function writeIfChanged(path: string, lock: ChartLock): Promise<boolean> {
  const current = await readFile(path, "utf8").catch(() => undefined);
  if (current === formatLock(lock)) return false;
  await writeLock(path, lock);
  return true;
}
