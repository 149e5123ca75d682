import { components } from "../../components/index.ts";
import { loadConfig } from "../../config/load.ts";
import { ConfigError, resolveChartSources } from "../../config/resolve.ts";
import type { ConfigIssue } from "../../config/schema.ts";
import { lockCharts, pullCharts } from "../../helm/index.ts";
import { allChartSpecs, chartSources, LOCK_FILE } from "../../render/build.ts";
import { listFlag, parse, UsageError } from "../args.ts";
import { EXIT } from "../exit-codes.ts";
import type { Command } from "../main.ts";
import { green, info, printJson, warn } from "../output.ts";

const HELP = `Usage: kindling charts <lock|pull> [flags]

Every Helm chart kindling renders is pinned in charts.lock.yaml: repository,
chart, version and the sha256 digest of the archive. Rendering only ever uses
an archive whose digest matches the lock.

  lock   resolve each chart the components declare, download it (or take it
         from the mirror), record its digest; unchanged entries stay as they are
  pull   fill the local cache (${"$"}KINDLING_CACHE_DIR, default ~/.cache/kindling)
         with every locked archive, verifying digests

Flags:
  --chart <name>     only this chart (repeat or comma-separate)
  --mirror <dir>     air-gapped mirror of <chart>-<version>.tgz archives
                     (default: $KINDLING_CHART_MIRROR, then charts.mirror in the config)
  --offline          never reach the network (mirror or cache only)
  -c, --config <file> platform definition (default: kindling.config.ts)
  --json             print the result as JSON

Examples:
  kindling charts lock                        pin every chart
  kindling charts lock --chart traefik        re-pin one chart after changing its version
  kindling charts pull                        fill the cache before going offline
  KINDLING_CHART_MIRROR=/srv/charts kindling charts pull --offline
`;

export const chartsCommand: Command = {
  summary: "pin Helm charts (lock) and fill the local chart cache (pull)",
  async run(argv) {
    const { values, positionals } = parse("charts", argv, {
      chart: { type: "string", multiple: true },
      mirror: { type: "string" },
      offline: { type: "boolean" },
      config: { type: "string", short: "c" },
      json: { type: "boolean" },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return EXIT.ok;
    }
    const action = positionals[0];
    if (action !== "lock" && action !== "pull") {
      throw new UsageError(`kindling charts needs "lock" or "pull"${action ? `, got "${action}"` : ""}\n${HELP}`, "charts");
    }
    const config = await loadConfig(values.config as string | undefined);
    const issues: ConfigIssue[] = [];
    const fromConfig = resolveChartSources((config.definition as { charts?: unknown }).charts, issues);
    if (issues.length) throw new ConfigError(config.file, undefined, issues);
    // No local charts: lock and pull are about the pinned archives.
    const sources = chartSources(config.root, fromConfig.mirror, {
      mirror: values.mirror as string | undefined,
      offline: Boolean(values.offline),
      warn,
    });
    const only = listFlag(values.chart as string[] | undefined);
    const specs = allChartSpecs(Object.values(components));
    const unknown = only.filter((n) => !specs.some((s) => s.name === n));
    if (unknown.length) {
      throw new UsageError(`unknown chart ${unknown.join(", ")}; charts: ${specs.map((s) => s.name).join(", ")}`, "charts");
    }
    const started = performance.now();
    const result =
      action === "lock"
        ? await lockCharts(specs, sources, { only: only.length ? only : undefined })
        : await pullCharts(
            specs.filter((s) => !only.length || only.includes(s.name)),
            sources,
          );
    const ms = Math.round(performance.now() - started);
    if (values.json) printJson({ action, ms, result });
    else info(`${green("✓")} charts ${action}: ${specs.length} chart(s) in ${ms}ms (${LOCK_FILE})`);
    return EXIT.ok;
  },
};
