import { type DesiredEnvironment, fromRendered, readRendered } from "../../cluster/manifests.ts";
import { resolveTarget } from "../../cluster/target.ts";
import type { UpTarget } from "../../cluster/up.ts";
import { build } from "../../render/build.ts";
import { UsageError } from "../args.ts";
import { warn } from "../output.ts";

/** Flags every cluster command shares: which environment, which cluster. */
export const CLUSTER_FLAGS = {
  env: { type: "string", short: "e" },
  profile: { type: "string", short: "p" },
  config: { type: "string", short: "c" },
  name: { type: "string" },
  kubeconfig: { type: "string" },
  context: { type: "string" },
  manifests: { type: "string" },
  offline: { type: "boolean" },
  json: { type: "boolean" },
} as const;

export const CLUSTER_FLAGS_HELP = `  -e, --env <name>         environment (default: local)
  -p, --profile <name>     dev-fast | cilium | full (default: the environment's profile)
  -c, --config <file>      platform definition (default: kindling.config.ts)
      --name <cluster>     Kind cluster name (default: kindling; kubeconfig context kind-<name>)
      --kubeconfig <file>  use the cluster this kubeconfig points at instead of Kind (never created or deleted)
      --context <name>     kubeconfig context of that cluster (implies an existing cluster)
      --manifests <dir>    use an already rendered manifests-result/<env> folder instead of rendering
      --offline            render without network (charts from the cache or mirror)
      --json               machine-readable result on stdout`;

/** The cluster --name, --kubeconfig and --context name. */
export function targetOf(values: Record<string, unknown>, log?: (line: string) => void): UpTarget {
  return resolveTarget({
    name: values.name as string | undefined,
    kubeconfig: values.kubeconfig as string | undefined,
    context: values.context as string | undefined,
    log,
  });
}

/** The environment as the definition renders it now, in memory: manifests-result/ is not written. */
export async function renderDesired(
  command: string,
  opts: { config?: string; env: string; profile?: string; offline: boolean },
): Promise<DesiredEnvironment> {
  const result = await build({ config: opts.config, envs: [opts.env], profile: opts.profile, write: false, offline: opts.offline, warn });
  const rendered = result.environments[0];
  if (!rendered) throw new UsageError(`environment ${opts.env} rendered nothing`, command);
  return fromRendered(rendered, result.outDir);
}

/** The environment as the definition renders it now; in memory, or from --manifests. */
export async function desiredFor(command: string, values: Record<string, unknown>): Promise<DesiredEnvironment> {
  if (values.manifests) return readRendered(values.manifests as string);
  return renderDesired(command, {
    config: values.config as string | undefined,
    env: (values.env as string | undefined) ?? "local",
    profile: values.profile as string | undefined,
    offline: Boolean(values.offline),
  });
}
