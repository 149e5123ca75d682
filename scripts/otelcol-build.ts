/**
 * Writes the collector's image build context, and optionally builds the binary.
 *
 *   node --import tsx scripts/otelcol-build.ts [--out DIR] [--binary]
 *
 * --out DIR   where builder-config.yaml and Dockerfile go (default build/otelcol,
 *             git-ignored: both files are generated from
 *             src/components/lib/otelcol-*.ts and never edited by hand).
 * --binary    also build the collector with ocb into the kindling cache
 *             (~/.cache/kindling/otelcol/<hash>/) and print its path.
 *
 * The image is then `docker build -t <image> DIR`, where <image> is printed
 * below and is what the otel-collector component deploys by default; on Kind,
 * `kind load docker-image <image>` makes it available to the nodes.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { builderConfigYaml, collectorImage, dockerfile } from "../src/components/lib/otelcol-builder.ts";
import { kindlingDistribution, type OtelcolDistribution } from "../src/components/lib/otelcol-distribution.ts";
import { locateTool } from "../src/tools/locate.ts";
import { buildCollector } from "./otelcol-cache.ts";

/** Writes builder-config.yaml and Dockerfile into `dir`; returns their paths. */
export function writeBuildContext(dir: string, d: OtelcolDistribution = kindlingDistribution): string[] {
  mkdirSync(dir, { recursive: true });
  const files = [
    [join(dir, "builder-config.yaml"), builderConfigYaml(d)],
    [join(dir, "Dockerfile"), dockerfile(d)],
  ] as const;
  for (const [path, text] of files) writeFileSync(path, text);
  return files.map(([path]) => path);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: "string", default: "build/otelcol" }, binary: { type: "boolean" } } });
  const out = resolve(values.out ?? "build/otelcol");
  for (const path of writeBuildContext(out)) console.log(`wrote ${path}`);
  console.log(`image: docker build -t ${collectorImage(kindlingDistribution)} ${out}`);
  if (!values.binary) return;
  const ocb = locateTool("ocb");
  if (!ocb) throw new Error("ocb not found: run scripts/tools/install.sh --only ocb");
  const built = await buildCollector(kindlingDistribution, { ocb, log: (l) => console.log(l) });
  console.log(
    `${built.binary} (${built.cached ? `cached, built earlier in ${built.buildSeconds.toFixed(0)}s` : `built in ${built.buildSeconds.toFixed(0)}s`})`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
