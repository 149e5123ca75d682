import type { CiliumOptions } from "../components/cilium.ts";
import type { ResolvedEnvironment } from "../config/resolve.ts";
import type { KindConfigOptions } from "./config.ts";

/**
 * The Kind options an environment needs beyond its profile. Today that is
 * one thing: when the cilium component replaces kube-proxy, Kind must not
 * install kube-proxy, and Cilium must be pointed at this cluster's API
 * server container. Throws when the two disagree, since the cluster would
 * come up without working Services.
 */
export function kindOptionsFor(env: Pick<ResolvedEnvironment, "components">, name: string): KindConfigOptions {
  const cilium = env.components.find((c) => c.component.name === "cilium")?.options as CiliumOptions | undefined;
  if (!cilium?.kubeProxyReplacement) return { name };
  const expected = `${name}-control-plane`;
  if (cilium.apiServerHost !== expected) {
    throw new Error(
      `cilium.kubeProxyReplacement is on, so Cilium must reach the API server at the Kind control-plane container "${expected}", ` +
        `but cilium.apiServerHost is "${cilium.apiServerHost}"; set it to "${expected}"`,
    );
  }
  return { name, kubeProxyMode: "none" };
}
