import { isAbsolute, join, relative, resolve } from "node:path";
import type { AnyComponent } from "../components/types.ts";
import { loadConfig } from "../config/load.ts";
import { requireEnvironmentNames, resolveEnvironment } from "../config/resolve.ts";
import type { ChartSources, ChartSpec } from "../helm/types.ts";
import { secretsWarnings } from "../secrets/warnings.ts";
import { cacheDir } from "../tools/locate.ts";
import { renderEnvironment } from "./render-environment.ts";
import { type RenderedEnvironment, ValidationError } from "./types.ts";
import { writeEnvironment } from "./write.ts";

const DEFAULT_OUT_DIR = "manifests-result";
export const LOCK_FILE = "charts.lock.yaml";

export interface BuildOptions {
  config?: string;
  /** Environments to build; all of the config's when empty. */
  envs?: string[];
  /** Overrides the environment's profile (only with one environment). */
  profile?: string;
  /** Output folder; default manifests-result/ next to the config. */
  out?: string;
  /** false: render and validate only (kindling validate). */
  write: boolean;
  offline?: boolean;
  /** chart name → unpacked chart folder, on top of the config's charts.local. */
  localCharts?: Record<string, string>;
  warn?: (msg: string) => void;
  /** Called as each step ends, for progress output. */
  progress?: (step: string, ms: number) => void;
}

export interface BuildResult {
  environments: RenderedEnvironment[];
  outDir: string;
  written: string[];
  /** Milliseconds per step: load, resolve, render, write. */
  timings: Record<string, number>;
}

/**
 * The whole definition → manifests job. Order matters for "a failed build
 * loses nothing": every environment is resolved, rendered and validated in
 * memory first; only when all of them pass is anything written.
 */
export async function build(opts: BuildOptions): Promise<BuildResult> {
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (step: string) => {
    const now = performance.now();
    timings[step] = Math.round((now - t) * 10) / 10;
    opts.progress?.(step, timings[step] as number);
    t = now;
  };

  const config = await loadConfig(opts.config);
  lap("load");

  const configName = relative(process.cwd(), config.file) || config.file;
  const envs = opts.envs?.length ? opts.envs : requireEnvironmentNames(config.definition, configName);
  const resolved = envs.map((env) => resolveEnvironment(config.definition, env, { file: configName, profile: opts.profile }));
  lap("resolve");

  const outDir = opts.out ? resolve(opts.out) : join(config.root, DEFAULT_OUT_DIR);
  const outPath = relative(config.root, outDir);
  const settled = await Promise.allSettled(
    resolved.map((env) =>
      renderEnvironment(env, {
        root: config.root,
        charts: chartSources(config.root, env.charts.mirror, {
          localCharts: { ...env.charts.local, ...opts.localCharts },
          offline: opts.offline,
          warn: opts.warn,
        }),
        // "" (--out at the root) would make Argo CD paths like "/local/app", which Argo CD refuses as absolute.
        outPath: isAbsolute(outPath) || outPath.startsWith("..") ? DEFAULT_OUT_DIR : outPath || ".",
      }),
    ),
  );
  const environments = settledOrThrow(settled);
  lap("render");

  for (const env of environments) {
    for (const line of secretsWarnings(config.root, env.env, env.secrets ?? [])) opts.warn?.(line);
  }

  const written: string[] = [];
  if (opts.write) {
    for (const env of environments) written.push(await writeEnvironment(outDir, env));
    lap("write");
  }
  return { environments, outDir, written, timings };
}

export interface ChartSourceOptions {
  /** --mirror; wins over $KINDLING_CHART_MIRROR and the config's charts.mirror. */
  mirror?: string;
  /** chart name → unpacked chart folder (relative to root). */
  localCharts?: Record<string, string>;
  offline?: boolean;
  warn?: (msg: string) => void;
}

/**
 * Where charts come from, for a build and for `kindling charts`: the lock file
 * and mirror under `root`, the mirror being the first of --mirror,
 * $KINDLING_CHART_MIRROR (empty means unset) and the config's charts.mirror.
 */
export function chartSources(root: string, configMirror: string | undefined, opts: ChartSourceOptions): ChartSources {
  const local: Record<string, string> = {};
  for (const [name, dir] of Object.entries(opts.localCharts ?? {})) local[name] = resolve(root, dir);
  const mirror = opts.mirror || process.env.KINDLING_CHART_MIRROR || configMirror;
  return {
    lockFile: join(root, LOCK_FILE),
    cacheDir: cacheDir(),
    mirrorDir: mirror ? resolve(root, mirror) : undefined,
    localCharts: local,
    offline: opts.offline,
    warn: opts.warn,
  };
}

/** Every chart any component may use: what `kindling charts lock` pins. */
export function allChartSpecs(components: readonly AnyComponent[]): ChartSpec[] {
  const byName = new Map<string, ChartSpec>();
  for (const c of components) for (const spec of c.charts ?? []) byName.set(spec.name, spec);
  // Code-point order, not localeCompare: the same on every machine whatever its locale.
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Every environment renders at once; when some fail, the report covers all of
 * them (one run shows every invalid object), and an error that is not about
 * objects (a missing chart, helm failing) wins because it blocks the rest.
 */
function settledOrThrow(settled: PromiseSettledResult<RenderedEnvironment>[]): RenderedEnvironment[] {
  const failures = settled.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason as unknown);
  if (failures.length === 0) return settled.map((r) => (r as PromiseFulfilledResult<RenderedEnvironment>).value);
  const other = failures.find((e) => !(e instanceof ValidationError));
  if (other) throw other;
  throw new ValidationError(failures.flatMap((e) => (e as ValidationError).issues));
}
