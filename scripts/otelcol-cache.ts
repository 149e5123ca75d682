/**
 * Builds a collector distribution with the real OpenTelemetry Collector
 * Builder (ocb) and caches the binary outside the repository, under
 *   <kindling cache>/otelcol/<hash of the builder config>/_build/<name>
 * so a second run, a second test file or a fresh clone reuses it. The hash
 * covers every module and version, so a changed distribution never reuses a
 * stale binary. One build at a time per hash: concurrent callers (two test
 * files, a test and the script) wait for the first instead of compiling the
 * same thing twice on a 2-core machine.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { BUILD_OUTPUT, builderConfigHash, builderConfigYaml } from "../src/components/lib/otelcol-builder.ts";
import type { OtelcolDistribution } from "../src/components/lib/otelcol-distribution.ts";
import { cacheDir } from "../src/tools/locate.ts";

export interface CollectorBuild {
  binary: string;
  /** The cache entry: builder-config.yaml, build.log, build.json, _build/. */
  dir: string;
  /** True when this call found the binary already built. */
  cached: boolean;
  /** How long the ocb build took when it ran (now or earlier), in seconds. */
  buildSeconds: number;
  /** How long this call took, in seconds (the cache hit cost when cached). */
  elapsedSeconds: number;
}

export interface BuildOptions {
  /** Path of the ocb binary. */
  ocb: string;
  /** Defaults to <kindling cache>/otelcol. */
  root?: string;
  /** Give up waiting for another process's build after this long. @default 40 minutes */
  lockTimeoutMs?: number;
  log?: (line: string) => void;
}

export function collectorCacheRoot(): string {
  return join(cacheDir(), "otelcol");
}

export async function buildCollector(d: OtelcolDistribution, opts: BuildOptions): Promise<CollectorBuild> {
  const started = Date.now();
  const root = opts.root ?? collectorCacheRoot();
  const hash = builderConfigHash(d);
  const dir = join(root, hash);
  const binary = join(dir, BUILD_OUTPUT, d.name);
  const elapsed = () => (Date.now() - started) / 1000;
  const recorded = () => (JSON.parse(readFileSync(join(dir, "build.json"), "utf8")) as { buildSeconds: number }).buildSeconds;

  if (existsSync(binary)) return { binary, dir, cached: true, buildSeconds: recorded(), elapsedSeconds: elapsed() };
  mkdirSync(root, { recursive: true });
  const release = await lock(join(root, `${hash}.lock`), opts.lockTimeoutMs ?? 40 * 60_000, opts.log);
  try {
    // Someone else may have finished it while we waited.
    if (existsSync(binary)) return { binary, dir, cached: true, buildSeconds: recorded(), elapsedSeconds: elapsed() };
    const work = `${dir}.tmp-${process.pid}`;
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, "builder-config.yaml"), builderConfigYaml(d));
    opts.log?.(`building ${d.name} with ocb into ${dir} (cold builds take minutes; log: ${join(work, "build.log")})`);
    const t0 = Date.now();
    await runOcb(opts.ocb, work);
    const buildSeconds = (Date.now() - t0) / 1000;
    writeFileSync(join(work, "build.json"), `${JSON.stringify({ buildSeconds, builtAt: new Date().toISOString() }, null, 2)}\n`);
    // The finished entry appears atomically: a crash mid-build leaves only a .tmp folder.
    rmSync(dir, { recursive: true, force: true });
    renameSync(work, dir);
    return { binary, dir, cached: false, buildSeconds, elapsedSeconds: elapsed() };
  } finally {
    release();
  }
}

function runOcb(ocb: string, cwd: string): Promise<void> {
  const logFile = join(cwd, "build.log");
  const fd = openSync(logFile, "w");
  return new Promise((resolve, reject) => {
    const child = spawn(ocb, ["--config=builder-config.yaml"], {
      cwd,
      stdio: ["ignore", fd, fd],
      // Static binary, module mode, the machine's own Go: the same recipe scripts/tools/install.sh uses.
      env: { ...process.env, CGO_ENABLED: "0", GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod" },
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      closeSync(fd);
      if (code === 0) return resolve();
      const tail = readFileSync(logFile, "utf8").split("\n").slice(-30).join("\n");
      reject(new Error(`ocb failed (${signal ?? `exit ${code}`}); last lines of ${logFile}:\n${tail}`));
    });
  });
}

/** An exclusive lock file holding the owner's pid; a lock whose owner is gone is taken over. */
async function lock(path: string, timeoutMs: number, log?: (line: string) => void): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    // link() publishes the lock with its content in one step, so no reader ever sees an empty lock.
    const mine = `${path}.${process.pid}`;
    writeFileSync(mine, String(process.pid));
    try {
      linkSync(mine, path);
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    } finally {
      rmSync(mine, { force: true });
    }
    const owner = Number(readFileSafe(path));
    if (!owner || !alive(owner)) {
      rmSync(path, { force: true });
      continue;
    }
    if (!told) log?.(`waiting for process ${owner}, which is building the same collector`);
    told = true;
    if (Date.now() > deadline) throw new Error(`timed out waiting for the collector build lock ${path} (held by pid ${owner})`);
    await sleep(2000);
  }
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return "";
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
