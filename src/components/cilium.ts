import * as s from "../config/schema.ts";
import type { ChartSpec } from "../helm/types.ts";
import { ciliumValues } from "./lib/cilium-values.ts";
import { namespaceOption } from "./lib/option-schemas.ts";
import { type Resources, resourcesSchema } from "./lib/workload.ts";
import { defineComponent } from "./types.ts";

export interface CiliumOptions {
  /** Namespace of the agent, operator and Hubble. @default "kube-system" */
  namespace: string;
  /**
   * Replace kube-proxy with Cilium's eBPF service handling. Off by default:
   * see docs/networking.md ("kube-proxy: kept") for why. Turning it on also
   * needs the Kind cluster created with kubeProxyMode "none" (src/kind).
   * @default false
   */
  kubeProxyReplacement: boolean;
  /** API server address the agent uses when kube-proxy is replaced: Kind's control-plane container. @default "kindling-control-plane" */
  apiServerHost: string;
  /** @default 6443 */
  apiServerPort: number;
  /** Operator replicas; one is enough on a laptop and leaves a node's worth of CPU free. @default 1 */
  operatorReplicas: number;
  /** NodePort of the Hubble UI, mapped to the host by Kind. @default 31235 */
  hubbleUiNodePort: number;
  /** The agent (one per node). @default 100m/256Mi requested, 1/1Gi limit */
  agentResources: Resources;
  /** @default 25m/64Mi requested, 500m/256Mi limit */
  operatorResources: Resources;
  /** Each Hubble relay / UI container and each init container of the agent. @default 10m/32Mi requested, 250m/256Mi limit */
  auxiliaryResources: Resources;
}

/** Cilium 1.18.3; see docs/networking.md for why this version and how it was pinned. */
export const ciliumChart: ChartSpec = {
  name: "cilium",
  repository: "https://helm.cilium.io",
  chart: "cilium",
  version: "1.18.3",
};

export const CILIUM_APP = "cilium";

export const cilium = defineComponent<CiliumOptions>({
  name: "cilium",
  description: "Cilium CNI with Hubble relay and UI, set up to run under Istio ambient",
  profiles: ["cilium", "full"],
  charts: [ciliumChart],
  options: s.object({
    namespace: namespaceOption,
    kubeProxyReplacement: s.bool({ doc: "replace kube-proxy with Cilium" }),
    apiServerHost: s.string({ minLength: 1, doc: "API server host used without kube-proxy" }),
    apiServerPort: s.int({ min: 1, max: 65535 }),
    operatorReplicas: s.int({ min: 1, max: 3 }),
    hubbleUiNodePort: s.nodePort({ doc: "NodePort of the Hubble UI" }),
    agentResources: resourcesSchema,
    operatorResources: resourcesSchema,
    auxiliaryResources: resourcesSchema,
  }),
  defaults: () => ({
    namespace: "kube-system",
    kubeProxyReplacement: false,
    apiServerHost: "kindling-control-plane",
    apiServerPort: 6443,
    operatorReplicas: 1,
    hubbleUiNodePort: 31235,
    agentResources: { cpuRequest: "100m", memoryRequest: "256Mi", cpuLimit: "1", memoryLimit: "1Gi" },
    operatorResources: { cpuRequest: "25m", memoryRequest: "64Mi", cpuLimit: "500m", memoryLimit: "256Mi" },
    auxiliaryResources: { cpuRequest: "10m", memoryRequest: "32Mi", cpuLimit: "250m", memoryLimit: "256Mi" },
  }),
  nodePorts: (o) => [{ port: o.hubbleUiNodePort, option: "hubbleUiNodePort" }],
  render: (_ctx, o) => [
    {
      name: CILIUM_APP,
      namespace: o.namespace,
      // The CNI comes first: until it runs, no pod outside the host network starts.
      charts: [{ chart: ciliumChart, release: "cilium", values: ciliumValues(o) }],
    },
  ],
});
