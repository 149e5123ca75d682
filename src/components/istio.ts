import * as s from "../config/schema.ts";
import type { ChartSpec } from "../helm/types.ts";
import type { KubeObject } from "../model/k8s.ts";
import { CILIUM_APP } from "./cilium.ts";
import { GATEWAY_API_APP } from "./gateway-api.ts";
import { istioBaseValues, istioCniValues, istiodValues, ztunnelValues } from "./lib/istio-values.ts";
import { namespaceOption } from "./lib/option-schemas.ts";
import { type Resources, resourcesSchema } from "./lib/workload.ts";
import { type App, defineComponent, type RenderContext } from "./types.ts";

export interface IstioOptions {
  /** Namespace of istiod, istio-cni and ztunnel. @default "istio-system" */
  namespace: string;
  /** Registry the Istio images come from. @default "docker.io/istio" */
  hub: string;
  /** @default 100m/256Mi requested, 1/1Gi limit */
  istiodResources: Resources;
  /** The CNI node agent, one per node. @default 25m/64Mi requested, 500m/256Mi limit */
  cniResources: Resources;
  /** The per-node L4 proxy. @default 50m/128Mi requested, 1/512Mi limit */
  ztunnelResources: Resources;
  /** Each waypoint proxy istiod deploys. @default 50m/64Mi requested, 500m/256Mi limit */
  waypointResources: Resources;
}

/** Istio 1.30.3, the four charts of an ambient install, from Istio's chart repository. */
const ISTIO_VERSION = "1.30.3";
const ISTIO_REPOSITORY = "https://istio-release.storage.googleapis.com/charts";
const istioChart = (name: string, chart: string): ChartSpec => ({ name, repository: ISTIO_REPOSITORY, chart, version: ISTIO_VERSION });

export const istioCharts = {
  base: istioChart("istio-base", "base"),
  istiod: istioChart("istiod", "istiod"),
  cni: istioChart("istio-cni", "cni"),
  ztunnel: istioChart("ztunnel", "ztunnel"),
} as const;

/** App names, in the order Istio's ambient install guide applies them. */
export const ISTIO_APPS = { base: "istio-base", istiod: "istiod", cni: "istio-cni", ztunnel: "ztunnel" } as const;

/** The label that enrols a namespace (or pod) in the ambient mesh. */
export const AMBIENT_LABEL = "istio.io/dataplane-mode";
/** The source address ambient gives kubelet probes (SNAT on the node), which network policy must allow. */
export const AMBIENT_PROBE_SOURCE = "169.254.7.127";
/** Port of HBONE, ambient's mTLS tunnel between ztunnels and waypoints. */
export const HBONE_PORT = 15008;
/** istiod's xDS and certificate port, which waypoints dial. */
export const ISTIOD_XDS_PORT = 15012;

export const istio = defineComponent<IstioOptions>({
  name: "istio",
  description: "Istio ambient mesh: base CRDs, istiod, istio-cni and ztunnel, in that order",
  profiles: ["full"],
  charts: Object.values(istioCharts),
  options: s.object({
    namespace: namespaceOption,
    hub: s.string({ minLength: 1, doc: "image registry of the Istio images" }),
    istiodResources: resourcesSchema,
    cniResources: resourcesSchema,
    ztunnelResources: resourcesSchema,
    waypointResources: resourcesSchema,
  }),
  defaults: () => ({
    namespace: "istio-system",
    hub: "docker.io/istio",
    istiodResources: { cpuRequest: "100m", memoryRequest: "256Mi", cpuLimit: "1", memoryLimit: "1Gi" },
    cniResources: { cpuRequest: "25m", memoryRequest: "64Mi", cpuLimit: "500m", memoryLimit: "256Mi" },
    ztunnelResources: { cpuRequest: "50m", memoryRequest: "128Mi", cpuLimit: "1", memoryLimit: "512Mi" },
    waypointResources: { cpuRequest: "50m", memoryRequest: "64Mi", cpuLimit: "500m", memoryLimit: "256Mi" },
  }),
  render: (ctx, o) => istioApps(ctx, o),
});

function istioApps(ctx: RenderContext, o: IstioOptions): App[] {
  const values = { ...o, tag: ISTIO_VERSION };
  // Every Istio pod except the CRD-only base needs a pod network first.
  const cni = ctx.has("cilium") ? [CILIUM_APP] : [];
  const chart = (spec: ChartSpec, release: string, v: Record<string, unknown>) => ({ chart: spec, release, values: v });
  return [
    {
      name: ISTIO_APPS.base,
      namespace: o.namespace,
      objects: [istioNamespace(o.namespace)],
      charts: [chart(istioCharts.base, "istio-base", istioBaseValues())],
    },
    {
      name: ISTIO_APPS.istiod,
      namespace: o.namespace,
      charts: [chart(istioCharts.istiod, "istiod", istiodValues(values))],
      // istiod serves Gateway API resources (waypoints): their CRDs must exist when it starts.
      dependsOn: [ISTIO_APPS.base, ...cni, ...(ctx.has("gateway-api") ? [GATEWAY_API_APP] : [])],
    },
    {
      name: ISTIO_APPS.cni,
      namespace: o.namespace,
      charts: [chart(istioCharts.cni, "istio-cni", istioCniValues(values))],
      // Chains itself into the primary CNI's config, so Cilium must have written it.
      dependsOn: [ISTIO_APPS.istiod, ...cni],
    },
    {
      name: ISTIO_APPS.ztunnel,
      namespace: o.namespace,
      charts: [chart(istioCharts.ztunnel, "ztunnel", ztunnelValues(values))],
      // Gets its certificates and config from istiod, and pod network namespaces from istio-cni.
      dependsOn: [ISTIO_APPS.istiod, ISTIO_APPS.cni],
    },
  ];
}

/**
 * istio-system is declared here instead of generated: istio-cni and ztunnel
 * are node-level networking and cannot pass Pod Security "restricted" (see
 * src/policy/privileged.ts for exactly what they need and why).
 */
function istioNamespace(name: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name,
      labels: {
        "pod-security.kubernetes.io/enforce": "privileged",
        "pod-security.kubernetes.io/enforce-version": "latest",
        // Audited at "restricted", so anything else here that needs privileges shows in the audit log.
        "pod-security.kubernetes.io/audit": "restricted",
      },
      annotations: {
        "kindling.dev/pod-security-reason":
          "istio-cni and ztunnel configure pod network namespaces on each node (hostPath CNI dirs, NET_ADMIN, SYS_ADMIN); see src/policy/privileged.ts",
      },
    },
  };
}
