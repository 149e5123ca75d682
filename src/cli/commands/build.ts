import { relative } from "node:path";
import type { BuildResult } from "../../render/build.ts";
import { build } from "../../render/build.ts";
import { formatCpu, formatMemory, renderedFootprint } from "../../render/footprint.ts";
import { EXIT } from "../exit-codes.ts";
import type { Command } from "../main.ts";
import { bold, dim, green, info, printJson, table, warn } from "../output.ts";
import { parseRenderFlags, RENDER_FLAGS_HELP } from "./build-flags.ts";

const HELP = `Usage: kindling build [flags]

Renders the platform definition into plain YAML, one folder per app and one
Argo CD Application per app:
  manifests-result/<env>/<app>/<Kind>-<name>.yaml
  manifests-result/<env>/apps/Application-<app>.yaml
Every object is validated first; if anything is wrong nothing is written and
the previous manifests-result/ stays as it was.

Flags:
${RENDER_FLAGS_HELP}
  -o, --out <dir>          output folder (default: manifests-result next to the config)

Examples:
  kindling build                       all environments
  kindling build --env local           one environment
  kindling build -e staging -p cilium  staging's options on the cilium profile
  kindling build --json | jq '.environments[].apps'
`;

export const buildCommand: Command = {
  summary: "render every environment into manifests-result/ (validates first)",
  async run(argv) {
    const { options, values, json } = parseRenderFlags("build", argv, { out: { type: "string", short: "o" } });
    if (values.help) {
      process.stdout.write(HELP);
      return EXIT.ok;
    }
    const result = await build({ ...options, out: (values as Record<string, unknown>).out as string | undefined, write: true, warn });
    if (json) printJson(summarize(result));
    else printSummary(result, "built");
    return EXIT.ok;
  },
};

export function summarize(result: BuildResult) {
  return {
    outDir: result.outDir,
    timingsMs: result.timings,
    environments: result.environments.map((e) => ({
      env: e.env,
      profile: e.profile,
      apps: e.apps.map((a) => ({ name: a.name, objects: a.objects.length, syncWave: a.syncWave, hash: a.hash })),
      objects: objectCount(e),
      footprint: footprintSummary(e),
    })),
  };
}

export function printSummary(result: BuildResult, verb: string): void {
  const rows = [["environment", "profile", "apps", "objects", "cpu req/limit", "memory req/limit", "output"].map(dim)];
  for (const e of result.environments) {
    const out = result.written.find((w) => w.endsWith(`/${e.env}`));
    const f = footprintSummary(e);
    rows.push([
      e.env,
      e.profile,
      String(e.apps.length),
      String(objectCount(e)),
      `${f.requests.cpu}/${f.limits.cpu}`,
      `${f.requests.memory}/${f.limits.memory}`,
      out ? relative(process.cwd(), out) || "." : "-",
    ]);
  }
  info(table(rows));
  const total = Object.values(result.timings).reduce((a, b) => a + b, 0);
  const steps = Object.entries(result.timings)
    .map(([k, v]) => `${k} ${Math.round(v)}ms`)
    .join(", ");
  const apps = result.environments.reduce((n, e) => n + e.apps.length, 0);
  const objects = result.environments.reduce((n, e) => n + objectCount(e), 0);
  info(
    `${green("✓")} ${verb} ${bold(String(result.environments.length))} environment(s): ${apps} apps, ${objects} objects in ${Math.round(total)}ms ${dim(`(${steps})`)}`,
  );
}

function objectCount(e: BuildResult["environments"][number]): number {
  return e.apps.reduce((n, a) => n + a.objects.length, 0);
}

/** Sum of requests and limits over the environment's long-running pods (src/render/footprint.ts). */
function footprintSummary(e: BuildResult["environments"][number]) {
  const f = renderedFootprint(e);
  const show = (a: { cpuMilli: number; memoryBytes: number }) => ({
    cpu: formatCpu(a.cpuMilli),
    memory: formatMemory(a.memoryBytes),
    cpuMilli: a.cpuMilli,
    memoryBytes: a.memoryBytes,
  });
  return { requests: show(f.requests), limits: show(f.limits), workloads: f.workloads.length, unset: f.unset };
}
