/**
 * pullCharts: `kindling charts pull`. Fills the archive cache with every
 * locked chart (from the mirror or the network), each verified against
 * charts.lock.yaml, so later renders work offline.
 */
import { rm } from "node:fs/promises";
import { DigestMismatchError } from "./errors.ts";
import { type FetchedFrom, fetchArchive } from "./fetch.ts";
import { mapConcurrent } from "./limit.ts";
import { checkLockMatches, readLock } from "./lockfile.ts";
import { validateSpecs } from "./spec.ts";
import { cachedArchivePath, verifyCachedArchive } from "./store.ts";
import type { ChartSources, ChartSpec, LockEntry } from "./types.ts";

export interface PullResult {
  chart: string;
  /** "cached": already there and intact; "local": taken from a local directory, nothing to pull. */
  status: "cached" | FetchedFrom | "local";
  /** The archive in the cache (absent for local charts). */
  path?: string;
}

export async function pullCharts(specs: ChartSpec[], sources: ChartSources): Promise<PullResult[]> {
  validateSpecs(specs);
  const isLocal = (s: ChartSpec) => Boolean(sources.localCharts?.[s.name]);
  const locked = specs.filter((s) => !isLocal(s));
  const lock = await readLock(sources.lockFile);
  checkLockMatches(locked, lock, sources.lockFile);

  const pulled = await mapConcurrent(locked, 4, (spec) => pullOne(spec.name, lock.charts[spec.name] as LockEntry, sources));
  const local = specs.filter(isLocal).map((s): PullResult => ({ chart: s.name, status: "local" }));
  return [...pulled, ...local].sort((a, b) => (a.chart < b.chart ? -1 : a.chart > b.chart ? 1 : 0));
}

async function pullOne(name: string, entry: LockEntry, sources: ChartSources): Promise<PullResult> {
  const path = cachedArchivePath(sources.cacheDir, entry);
  try {
    if (await verifyCachedArchive(path, name, entry)) return { chart: name, status: "cached", path };
  } catch (e) {
    if (!(e instanceof DigestMismatchError)) throw e;
    // Pulling is the repair for a damaged cache, so replace the file rather
    // than refusing; the new copy is verified against the lock like any other.
    (sources.warn ?? console.warn)(`chart ${name}: ${path} was damaged (${e.actual}); fetching it again`);
    await rm(path, { force: true });
  }
  const fetched = await fetchArchive(name, entry, sources, entry.digest);
  return { chart: name, status: fetched.from, path: fetched.path };
}
