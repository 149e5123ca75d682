import { alertmanager } from "./alertmanager.ts";
import { argocd } from "./argocd.ts";
import { cloudflared } from "./cloudflared.ts";
import { garage } from "./garage.ts";
import { grafana } from "./grafana.ts";
import { loki } from "./loki.ts";
import { otelCollector } from "./otel-collector.ts";
import { postgresql } from "./postgresql.ts";
import { prometheus } from "./prometheus.ts";
import { tempo } from "./tempo.ts";
import { traefik } from "./traefik.ts";

/**
 * Every component kindling knows, by name. Order matters only for output
 * stability; dependencies between apps are declared by the apps themselves.
 * A new component is one file plus one line here.
 */
export const components = {
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
} as const;
