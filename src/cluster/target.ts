import { join } from "node:path";
import type { ProfileName } from "../components/types.ts";
import { kindClusterConfig } from "../kind/config.ts";
import { PROFILE_SHAPES } from "../kind/profiles.ts";
import { locateTool } from "../tools/locate.ts";
import { KubeClient } from "./client.ts";
import { ClusterError } from "./errors.ts";
import { KindProvider, kindContext } from "./kind-provider.ts";
import { hasContext, loadClusterAccess } from "./kubeconfig.ts";
import type { UpTarget } from "./up.ts";

export const DEFAULT_CLUSTER_NAME = "kindling";

/** Profiles that run the service mesh (Istio ambient): inotify limits matter there. */
const MESH_PROFILES = new Set(["full"]);

export interface TargetFlags {
  /** Kind cluster name. */
  name?: string;
  /** An existing cluster: kubeconfig file and/or context. Either one means "not Kind". */
  kubeconfig?: string;
  context?: string;
  /** Folder holding kindling's local state (the generated Kind config). */
  stateDir?: string;
  log?: (line: string) => void;
}

/**
 * Where the cluster commands work: with --kubeconfig or --context, any
 * cluster those name (kindling never creates or deletes it); otherwise the
 * Kind cluster `name`, created from the profile's generated config.
 */
export function resolveTarget(flags: TargetFlags): UpTarget {
  if (flags.kubeconfig || flags.context) return { type: "existing", kubeconfig: flags.kubeconfig, context: flags.context };
  const name = flags.name ?? DEFAULT_CLUSTER_NAME;
  return {
    type: "kind",
    name,
    provider: kindProvider(flags.log),
    stateDir: flags.stateDir ?? join(process.cwd(), ".kindling"),
    shape: (profile, cluster) => {
      const shape = PROFILE_SHAPES[profile as ProfileName];
      if (!shape) throw new ClusterError(`unknown profile ${profile}`, `profiles: ${Object.keys(PROFILE_SHAPES).join(", ")}`);
      return {
        // kube-proxy stays unless the rendered environment says Cilium replaces it (build.json "cluster").
        config: kindClusterConfig(profile as ProfileName, {
          name,
          ...(cluster?.kubeProxyMode ? { kubeProxyMode: cluster.kubeProxyMode } : {}),
        }),
        hostPorts: [...shape.hostPorts],
        mesh: MESH_PROFILES.has(profile),
      };
    },
  };
}

export function kindProvider(log?: (line: string) => void): KindProvider {
  return new KindProvider(locateTool("kind") ?? "kind", locateTool("docker") ?? "docker", undefined, log);
}

/** A client for status and diff: the same context `up` uses. */
export function connectTarget(target: UpTarget, opts: { retryBudgetMs?: number } = {}): KubeClient {
  if (target.type === "kind" && !hasContext(kindContext(target.name), target.kubeconfig)) {
    throw new ClusterError(
      `there is no Kind cluster ${target.name} (no context ${kindContext(target.name)} in the kubeconfig)`,
      `create it with \`kindling up\`${target.name === DEFAULT_CLUSTER_NAME ? "" : ` --name ${target.name}`}, or pass --kubeconfig/--context for another cluster`,
    );
  }
  const access =
    target.type === "kind"
      ? loadClusterAccess({ kubeconfig: target.kubeconfig, context: kindContext(target.name) })
      : loadClusterAccess({ kubeconfig: target.kubeconfig, context: target.context });
  return new KubeClient(access, { retryBudgetMs: opts.retryBudgetMs ?? 10_000 });
}
