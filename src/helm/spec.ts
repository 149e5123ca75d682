/** Facts derived from a ChartSpec: validity, where helm pulls it from, its mirror file name. */
import type { ChartSpec } from "./types.ts";

/**
 * Rejects specs that cannot be locked: empty fields, or two components
 * claiming the same lock key (one entry would silently win).
 */
export function validateSpecs(specs: ChartSpec[]): void {
  const seen = new Set<string>();
  for (const spec of specs) {
    for (const field of ["name", "repository", "chart", "version"] as const) {
      if (typeof spec[field] !== "string" || spec[field].trim() === "") {
        throw new Error(`chart ${spec.name || "(unnamed)"}: \`${field}\` must be a non-empty string`);
      }
    }
    if (seen.has(spec.name)) {
      throw new Error(`chart ${spec.name} is declared twice; chart names are the keys of charts.lock.yaml and must be unique`);
    }
    seen.add(spec.name);
  }
}

function isOci(repository: string): boolean {
  return repository.startsWith("oci://");
}

/** `helm pull` arguments that download exactly this chart version into `dest`. */
export function pullArgs(spec: Pick<ChartSpec, "repository" | "chart" | "version">, dest: string): string[] {
  const source = isOci(spec.repository)
    ? [`${spec.repository.replace(/\/+$/, "")}/${spec.chart}`]
    : [spec.chart, "--repo", spec.repository];
  return ["pull", ...source, "--version", spec.version, "--destination", dest];
}

/** The file an air-gapped mirror holds for this chart (what `helm pull` names it). */
export function mirrorFileName(spec: Pick<ChartSpec, "chart" | "version">): string {
  return `${spec.chart}-${spec.version}.tgz`;
}

export function describeSpec(spec: Pick<ChartSpec, "chart" | "version" | "repository">): string {
  return `${spec.chart} ${spec.version} from ${spec.repository}`;
}
