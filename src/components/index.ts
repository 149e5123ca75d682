import { alertmanager } from "./alertmanager.ts";
import { argocd } from "./argocd.ts";
import { cilium } from "./cilium.ts";
import { cloudflared } from "./cloudflared.ts";
import { garage } from "./garage.ts";
import { gatewayApi } from "./gateway-api.ts";
import { grafana } from "./grafana.ts";
import { istio } from "./istio.ts";
import { loki } from "./loki.ts";
import { networkPolicy } from "./network-policy.ts";
import { otelCollector } from "./otel-collector.ts";
import { postgresql } from "./postgresql.ts";
import { prometheus } from "./prometheus.ts";
import { tempo } from "./tempo.ts";
import { traefik } from "./traefik.ts";
import { workloads } from "./workloads.ts";

/**
 * Every component kindling knows, by name. Order matters only for output
 * stability; dependencies between apps are declared by the apps themselves.
 * A new component is one file plus one line here.
 */
export const components = {
  cilium,
  "gateway-api": gatewayApi,
  istio,
  workloads,
  traefik,
  postgresql,
  garage,
  loki,
  tempo,
  grafana,
  prometheus,
  alertmanager,
  "otel-collector": otelCollector,
  argocd,
  cloudflared,
  "network-policy": networkPolicy,
} as const;
