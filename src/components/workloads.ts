import * as s from "../config/schema.ts";
import type { KubeObject } from "../model/k8s.ts";
import { GATEWAY_API_APP } from "./gateway-api.ts";
import { AMBIENT_LABEL, HBONE_PORT, ISTIO_APPS } from "./istio.ts";
import { DNS_LABEL, namespaceOption } from "./lib/option-schemas.ts";
import { type App, defineComponent, type RenderContext } from "./types.ts";

export interface WorkloadsOptions {
  /** Namespace the applications run in. @default "apps" */
  namespace: string;
  /** Name of the waypoint (a Gateway of class istio-waypoint) that handles L7 for the namespace under the mesh. @default "waypoint" */
  waypointName: string;
}

export const WORKLOADS_APP = "workloads";
/** The label Istio puts on a waypoint's pods; network policy selects the waypoint by it. */
export const WAYPOINT_LABEL = "gateway.networking.k8s.io/gateway-name";

/**
 * The application namespace. Declared here rather than generated because,
 * under the mesh, it carries the ambient enrolment: every pod started in it
 * is captured by ztunnel (L4 mTLS), and its Services send traffic through the
 * namespace's waypoint (L7: JWT, retries, circuit breaking). It stays at Pod
 * Security "restricted" like every generated namespace.
 */
export const workloads = defineComponent<WorkloadsOptions>({
  name: "workloads",
  description: "The application namespace; enrolled in the ambient mesh with a waypoint when Istio is present",
  profiles: ["dev-fast", "cilium", "full"],
  options: s.object({
    namespace: namespaceOption,
    waypointName: s.string({ pattern: DNS_LABEL, patternHint: "a DNS label" }),
  }),
  defaults: () => ({ namespace: "apps", waypointName: "waypoint" }),
  render: (ctx, o) => [workloadsApp(ctx, o)],
});

function workloadsApp(ctx: RenderContext, o: WorkloadsOptions): App {
  if (!ctx.has("istio")) return { name: WORKLOADS_APP, namespace: o.namespace, objects: [namespace(o, false)] };
  if (!ctx.has("gateway-api")) {
    throw new Error(
      `workloads: the waypoint for namespace ${o.namespace} is a Gateway API Gateway, but the gateway-api component is off in this environment; turn it on, or turn istio off`,
    );
  }
  return {
    name: WORKLOADS_APP,
    namespace: o.namespace,
    objects: [namespace(o, true), waypoint(o)],
    // Pods must start after ztunnel runs to be captured, and the Gateway
    // needs its CRD and istiod (which deploys the waypoint) first.
    dependsOn: [ISTIO_APPS.ztunnel, GATEWAY_API_APP],
  };
}

function namespace(o: WorkloadsOptions, mesh: boolean): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: o.namespace,
      labels: {
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
        ...(mesh ? { [AMBIENT_LABEL]: "ambient", "istio.io/use-waypoint": o.waypointName } : {}),
      },
    },
  };
}

/** What `istioctl waypoint generate --for service` writes: one HBONE listener, serving the namespace's Services. */
function waypoint(o: WorkloadsOptions): KubeObject {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "Gateway",
    metadata: { name: o.waypointName, namespace: o.namespace, labels: { "istio.io/waypoint-for": "service" } },
    spec: {
      gatewayClassName: "istio-waypoint",
      listeners: [{ name: "mesh", port: HBONE_PORT, protocol: "HBONE" }],
    },
  };
}
