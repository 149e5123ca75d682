/**
 * The one place in kindling that starts helm. Everything else asks this module,
 * so the binary choice, the environment and spawn accounting live together.
 */
import { realpath, stat } from "node:fs/promises";
import { locateTool } from "../tools/locate.ts";
import { runTool, type ToolResult } from "../tools/run.ts";
import { HelmNotFoundError } from "./errors.ts";

export interface HelmRunOptions {
  /** The chart this run is for; named in errors. */
  chart: string;
  cwd?: string;
  /** Kill helm after this long (default 10 minutes: pulls can be slow, but not forever). */
  timeoutMs?: number;
}

let spawned = 0;

/** How many helm processes this process has started. Lets tests and benchmarks prove a cache hit. */
export function helmSpawnCount(): number {
  return spawned;
}

/** The helm binary kindling will run, or a HelmNotFoundError naming the fix. */
function helmBinary(chart: string): string {
  const found = locateTool("helm");
  if (found) return found;
  const override = process.env.KINDLING_HELM_BIN;
  throw new HelmNotFoundError(
    chart,
    override ? `KINDLING_HELM_BIN=${override} does not exist` : "helm is neither in the kindling tool cache nor on PATH",
  );
}

/**
 * Identifies the helm build without running it: resolved path, size and
 * modification time. Any helm upgrade replaces the file and so changes this,
 * which is all the render cache needs; asking `helm version` would cost a
 * spawn on every render and defeat the cache.
 */
export async function helmFingerprint(chart: string): Promise<string> {
  const bin = await realpath(helmBinary(chart));
  const info = await stat(bin);
  return `${bin}:${info.size}:${Math.trunc(info.mtimeMs)}`;
}

/**
 * Runs helm with `args`. Resolves with the exit code and both streams even
 * when helm fails, because what a failure means (network down, bad values,
 * missing chart) depends on the caller. Rejects only if helm cannot start.
 */
export async function runHelm(args: string[], opts: HelmRunOptions): Promise<ToolResult> {
  const bin = helmBinary(opts.chart);
  spawned++;
  return runTool(bin, args, { cwd: opts.cwd, timeoutMs: opts.timeoutMs ?? 10 * 60_000 }).catch((e: Error) => {
    throw new HelmNotFoundError(opts.chart, `${bin}: ${e.message}`);
  });
}
