import * as s from "../config/schema.ts";
import type { ChartSpec } from "../helm/types.ts";
import { defineComponent } from "./types.ts";

export interface GatewayApiOptions {
  /**
   * Release channel of the Gateway API CRDs. "standard" holds the GA kinds
   * (Gateway, HTTPRoute, GRPCRoute, ReferenceGrant, BackendTLSPolicy…) and is
   * all Istio's waypoints need. @default "standard"
   */
  channel: "standard" | "experimental";
}

/**
 * How the Gateway API CRDs are pinned. Istio's base chart does not ship them,
 * and the upstream YAML must not be copied into this repository. The Envoy
 * Gateway project publishes a chart whose only job is to package the
 * upstream Gateway API CRDs (generated from sigs.k8s.io/gateway-api at the
 * version its go.mod names), so the CRDs go through the same lock, digest
 * check, cache and air-gapped mirror as every other chart.
 *
 * v1.8.3 packages Gateway API v1.5.1, the version Istio 1.30.3 is built
 * against (its go.mod: sigs.k8s.io/gateway-api v1.5.1). Bump the two together.
 * The chart's Envoy Gateway CRDs stay off: only the Gateway API ones are used.
 */
export const gatewayApiChart: ChartSpec = {
  name: "gateway-api-crds",
  repository: "oci://docker.io/envoyproxy",
  chart: "gateway-crds-helm",
  version: "v1.8.3",
};

/** The Gateway API release inside the pinned chart; tests check the CRDs carry it. */
export const GATEWAY_API_BUNDLE_VERSION = "v1.5.1";

export const GATEWAY_API_APP = "gateway-api-crds";

export const gatewayApi = defineComponent<GatewayApiOptions>({
  name: "gateway-api",
  description: "Gateway API CRDs (pinned chart), needed by Istio waypoints",
  profiles: ["full"],
  charts: [gatewayApiChart],
  options: s.object({
    channel: s.oneOf(["standard", "experimental"] as const, { doc: "Gateway API release channel" }),
  }),
  defaults: () => ({ channel: "standard" }),
  render: (_ctx, o) => [
    {
      name: GATEWAY_API_APP,
      // Only cluster-scoped objects (CRDs, an admission policy); the namespace is never used.
      namespace: "default",
      charts: [
        {
          chart: gatewayApiChart,
          release: GATEWAY_API_APP,
          // Keys checked against the chart's values.yaml (v1.8.3): crds.gatewayAPI.{enabled,channel}, crds.envoyGateway.enabled.
          values: { crds: { gatewayAPI: { enabled: true, channel: o.channel }, envoyGateway: { enabled: false } } },
        },
      ],
    },
  ],
});
