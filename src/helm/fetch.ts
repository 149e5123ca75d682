/**
 * Getting a chart archive into the cache: from the air-gapped mirror when one
 * is configured, otherwise from the chart repository with `helm pull`. The
 * archive is hashed before it is placed in the cache, and refused there and
 * then if the caller expects a different digest.
 */
import { access, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { sha256File } from "./digest.ts";
import { type ArchiveOrigin, ChartMissingError, DigestMismatchError, HelmFailedError } from "./errors.ts";
import { runHelm } from "./runner.ts";
import { describeSpec, mirrorFileName, pullArgs } from "./spec.ts";
import { scratchDir, storeArchive } from "./store.ts";
import type { ChartSources, ChartSpec } from "./types.ts";

export type FetchedFrom = "mirror" | "repository";

export interface FetchedArchive {
  /** The archive's path in the cache. */
  path: string;
  digest: string;
  from: FetchedFrom;
}

type Coordinates = Pick<ChartSpec, "repository" | "chart" | "version">;

/**
 * The mirror directory in effect. An explicit `mirrorDir` wins: callers
 * resolve their own order (CLI flag, then KINDLING_CHART_MIRROR, then the
 * config). The environment variable is the fallback for callers that set
 * nothing, so an air-gapped machine needs no config edit.
 */
export function mirrorDirOf(sources: ChartSources): string | undefined {
  return sources.mirrorDir || process.env.KINDLING_CHART_MIRROR || undefined;
}

/**
 * Fetches chart `name` (the lock key) into the cache. With `expected`, an
 * archive with another digest is refused before it reaches the cache.
 */
export async function fetchArchive(name: string, spec: Coordinates, sources: ChartSources, expected?: string): Promise<FetchedArchive> {
  const mirror = mirrorDirOf(sources);
  if (mirror) return fromMirror(name, spec, sources, mirror, expected);
  if (sources.offline) {
    throw new ChartMissingError(name, spec.chart, spec.version, "kindling is offline (the network may not be used)");
  }
  return fromRepository(name, spec, sources, expected);
}

async function fromMirror(
  name: string,
  spec: Coordinates,
  sources: ChartSources,
  mirror: string,
  expected?: string,
): Promise<FetchedArchive> {
  const file = join(mirror, mirrorFileName(spec));
  if (!(await exists(file))) {
    const why = (await exists(mirror)) ? `the mirror has no ${file}` : `the mirror directory ${mirror} does not exist`;
    throw new ChartMissingError(name, spec.chart, spec.version, why, mirror);
  }
  const digest = await sha256File(file);
  refuseMismatch(name, spec, digest, expected, file, "mirror");
  const path = await storeArchive(sources.cacheDir, file, { ...spec, digest }, { copy: true });
  return { path, digest, from: "mirror" };
}

async function fromRepository(name: string, spec: Coordinates, sources: ChartSources, expected?: string): Promise<FetchedArchive> {
  const scratch = await scratchDir(sources.cacheDir);
  try {
    const args = pullArgs(spec, scratch);
    const result = await runHelm(args, { chart: name });
    if (result.code !== 0) {
      if (isNetworkFailure(result.stderr)) {
        const why = `the network is not reachable (helm: ${firstLine(result.stderr)})`;
        throw new ChartMissingError(name, spec.chart, spec.version, why);
      }
      throw new HelmFailedError(
        name,
        `helm pull of ${describeSpec(spec)}`,
        args,
        result.stderr,
        "check the repository URL, chart name and version the component declares",
      );
    }
    const archives = (await readdir(scratch)).filter((f) => f.endsWith(".tgz"));
    if (archives.length !== 1) {
      throw new HelmFailedError(
        name,
        `helm pull of ${describeSpec(spec)}`,
        args,
        result.stderr,
        `expected one archive, got ${archives.length}`,
      );
    }
    const file = join(scratch, archives[0] as string);
    const digest = await sha256File(file);
    refuseMismatch(name, spec, digest, expected, spec.repository, "repository");
    const path = await storeArchive(sources.cacheDir, file, { ...spec, digest });
    return { path, digest, from: "repository" };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function refuseMismatch(
  name: string,
  spec: Coordinates,
  actual: string,
  expected: string | undefined,
  where: string,
  origin: ArchiveOrigin,
): void {
  if (expected !== undefined && actual !== expected) {
    throw new DigestMismatchError(name, spec.version, actual, expected, where, origin);
  }
}

/**
 * Go's net errors as helm prints them when the repository or registry cannot
 * be reached at all, as opposed to answering "no such chart".
 */
const NETWORK_FAILURE =
  /dial tcp|no such host|connection refused|network is unreachable|i\/o timeout|TLS handshake timeout|context deadline exceeded|connection reset by peer|server misbehaving|temporary failure in name resolution|no route to host/i;

export function isNetworkFailure(stderr: string): boolean {
  return NETWORK_FAILURE.test(stderr);
}

function firstLine(text: string): string {
  return (text.trim().split("\n")[0] ?? "").replace(/^Error:\s*/, "");
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
