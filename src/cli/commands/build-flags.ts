import type { BuildOptions } from "../../render/build.ts";
import { listFlag, parse, UsageError } from "../args.ts";

/** Flags shared by build and validate. */
export const RENDER_FLAGS = {
  env: { type: "string", short: "e", multiple: true },
  profile: { type: "string", short: "p" },
  config: { type: "string", short: "c" },
  offline: { type: "boolean" },
  "local-chart": { type: "string", multiple: true },
  json: { type: "boolean" },
} as const;

export const RENDER_FLAGS_HELP = `  -e, --env <name>         environment(s) to render; repeat or comma-separate (default: all in the config)
  -p, --profile <name>     use this profile instead of the environment's (dev-fast, cilium, full); needs one --env
  -c, --config <file>      platform definition (default: kindling.config.ts)
      --offline            never reach the network; charts must be in the cache or the mirror
      --local-chart <n=dir> take chart <n> from an unpacked folder (chart development; no digest check)
      --json               print the result as JSON on stdout`;

export function parseRenderFlags(
  command: string,
  argv: string[],
  extra: Record<string, { type: "string" | "boolean"; short?: string }> = {},
) {
  const { values, positionals } = parse(command, argv, { ...RENDER_FLAGS, ...extra });
  if (positionals.length > 0) {
    throw new UsageError(`unexpected argument "${positionals[0]}"; did you mean --env ${positionals[0]}?`, command);
  }
  const envs = listFlag(values.env as string[] | undefined);
  const profile = values.profile as string | undefined;
  if (profile && envs.length !== 1) {
    throw new UsageError("--profile needs exactly one --env: a profile override applies to one environment", command);
  }
  const localCharts: Record<string, string> = {};
  for (const spec of listFlag(values["local-chart"] as string[] | undefined)) {
    const eq = spec.indexOf("=");
    if (eq <= 0) throw new UsageError(`--local-chart expects <chart>=<folder>, got "${spec}"`, command);
    localCharts[spec.slice(0, eq)] = spec.slice(eq + 1);
  }
  const options: Omit<BuildOptions, "write"> = {
    config: values.config as string | undefined,
    envs,
    profile,
    offline: Boolean(values.offline),
    localCharts,
  };
  return { options, values, json: Boolean(values.json) };
}
