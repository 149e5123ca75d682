/**
 * renderChart: one `helm template` of a pinned (or, for development, local)
 * chart, cached by everything the output depends on.
 *
 * Integrity: an archive is verified against charts.lock.yaml before it
 * enters the cache, and re-hashed before every `helm template` that uses it
 * (sha256 of a chart archive takes about a millisecond; helm takes far longer),
 * so a cache file changed afterwards is refused, not rendered. A render-cache
 * hit reads no archive at all: its key contains the locked digest, so it holds
 * the output of an archive that was verified when it was rendered.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import type { KubeObject } from "../model/k8s.ts";
import { hashDirectory } from "./digest.ts";
import { ChartError, ChartOutputError, HelmFailedError, LockMismatchError, NotLockedError } from "./errors.ts";
import { fetchArchive } from "./fetch.ts";
import { lockProblems, readLock } from "./lockfile.ts";
import { asKubeObjects, parseYamlStream, setOrigin } from "./objects.ts";
import { type RenderedObject, readRenderCache, renderCacheKey, writeRenderCache } from "./render-cache.ts";
import { helmFingerprint, runHelm } from "./runner.ts";
import { cachedArchivePath, verifyCachedArchive } from "./store.ts";
import type { ChartSources, ChartSpec, HelmRenderRequest, LockEntry } from "./types.ts";

/** Where the chart to render comes from; `content` identifies it for the render cache. */
type ChartInput = { kind: "local"; dir: string; content: string } | { kind: "locked"; entry: LockEntry; content: string };

export async function renderChart(req: HelmRenderRequest, sources: ChartSources): Promise<KubeObject[]> {
  const name = req.chart.name;
  const input = await chartInput(req.chart, sources);
  const skipTests = req.skipTests ?? true;
  const apiVersions = [...(req.apiVersions ?? [])].sort();
  const key = renderCacheKey({
    helm: await helmFingerprint(name),
    name,
    content: input.content,
    release: req.release,
    namespace: req.namespace,
    values: req.values,
    includeCrds: req.includeCrds ?? false,
    skipTests,
    kubeVersion: req.kubeVersion,
    apiVersions,
  });

  const cached = await readRenderCache(sources.cacheDir, key);
  if (cached) return withOrigins(cached, name);

  const chartPath = input.kind === "local" ? input.dir : await ensureArchive(name, input.entry, sources);
  const rendered = await helmTemplate(req, chartPath, { skipTests, apiVersions }, sources);
  // The cache only saves time: failing to write it must not fail the build.
  await writeRenderCache(sources.cacheDir, key, rendered).catch((e: Error) =>
    warn(sources, `chart ${name}: could not write the render cache (${e.message}); the next build renders again`),
  );
  return withOrigins(rendered, name);
}

async function chartInput(spec: ChartSpec, sources: ChartSources): Promise<ChartInput> {
  const localDir = sources.localCharts?.[spec.name];
  if (localDir) {
    const dir = resolve(localDir);
    if (!existsSync(join(dir, "Chart.yaml"))) {
      throw new ChartError(
        spec.name,
        `chart ${spec.name}: local chart directory ${dir} has no Chart.yaml; point the local chart setting at an unpacked chart`,
        "point the local chart setting at the directory that holds Chart.yaml",
      );
    }
    warnOnce(sources, spec.name, dir);
    return { kind: "local", dir, content: await hashDirectory(dir) };
  }
  const lock = await readLock(sources.lockFile);
  const entry = lock.charts[spec.name];
  if (!entry) throw new NotLockedError(spec.name, basename(sources.lockFile));
  const problems = lockProblems([spec], lock, basename(sources.lockFile));
  if (problems.length > 0) throw new LockMismatchError(problems);
  return { kind: "locked", entry, content: entry.digest };
}

/** The verified cached archive, fetched (mirror, then network) if it is not cached yet. */
async function ensureArchive(name: string, entry: LockEntry, sources: ChartSources): Promise<string> {
  const path = cachedArchivePath(sources.cacheDir, entry);
  if (await verifyCachedArchive(path, name, entry)) return path;
  return (await fetchArchive(name, entry, sources, entry.digest)).path;
}

async function helmTemplate(
  req: HelmRenderRequest,
  chartPath: string,
  flags: { skipTests: boolean; apiVersions: string[] },
  sources: ChartSources,
): Promise<RenderedObject[]> {
  const name = req.chart.name;
  // Values go through a file: JSON is YAML, and no --set escaping rules apply.
  const scratch = await mkdtemp(join(tmpdir(), "kindling-helm-"));
  try {
    const valuesFile = join(scratch, "values.json");
    await writeFile(valuesFile, JSON.stringify(req.values));
    const args = ["template", req.release, chartPath, "--namespace", req.namespace, "--values", valuesFile];
    if (req.includeCrds) args.push("--include-crds");
    if (flags.skipTests) args.push("--skip-tests");
    if (req.kubeVersion) args.push("--kube-version", req.kubeVersion);
    for (const api of flags.apiVersions) args.push("--api-versions", api);

    const result = await runHelm(args, { chart: name });
    if (result.code !== 0) {
      throw new HelmFailedError(
        name,
        `helm template (release ${req.release}, namespace ${req.namespace})`,
        args,
        result.stderr,
        "the error above comes from the chart's templates; check the values the component passes to the chart",
      );
    }
    if (result.stderr.trim()) warn(sources, `chart ${name}: helm says: ${result.stderr.trim()}`);
    return parseHelmOutput(result.stdout, name);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** helm prints one document per object, each preceded by `# Source: <chart>/<template path>`. */
export function parseHelmOutput(stdout: string, chart: string): RenderedObject[] {
  const sourceOf = (text: string, index: number) => /^# Source: (.+)$/m.exec(text)?.[1]?.trim() ?? `output document ${index}`;
  try {
    return parseYamlStream(stdout, (index, _line, text) => sourceOf(text, index)).flatMap((doc) => {
      const template = sourceOf(doc.text, doc.index);
      return asKubeObjects(doc.value, template).map((object) => ({ template, object }));
    });
  } catch (e) {
    throw new ChartOutputError(chart, (e as Error).message);
  }
}

function withOrigins(rendered: RenderedObject[], chart: string): KubeObject[] {
  return rendered.map(({ template, object }) => {
    setOrigin(object, { kind: "helm", chart, template });
    return object;
  });
}

function warn(sources: ChartSources, msg: string): void {
  (sources.warn ?? console.warn)(msg);
}

// Once per chart and directory for each warning sink: a build renders the
// same chart for several environments and one warning is enough.
const warned = new WeakMap<(msg: string) => void, Set<string>>();

function warnOnce(sources: ChartSources, chart: string, dir: string): void {
  const sink = sources.warn ?? console.warn;
  const seen = warned.get(sink) ?? new Set<string>();
  warned.set(sink, seen);
  const id = `${chart}\0${dir}`;
  if (seen.has(id)) return;
  seen.add(id);
  sink(
    `chart ${chart}: using the local directory ${dir} instead of the locked chart; no digest is checked, so do not publish manifests rendered this way`,
  );
}
