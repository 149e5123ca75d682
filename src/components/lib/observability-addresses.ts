import type { RenderContext } from "../types.ts";
import { PROMETHEUS_PORT } from "./prometheus-config.ts";

type Ctx = Pick<RenderContext, "has" | "optionsOf">;

/** Namespace of an observability component: its own option when it is present, else the stack's default. */
export function observabilityNamespace(ctx: Ctx, component: string): string {
  return (ctx.has(component) ? ctx.optionsOf<{ namespace?: string }>(component).namespace : undefined) ?? "observability";
}

/** Prometheus' remote-write receiver, where it runs (or would run) in this environment. */
export function prometheusRemoteWriteUrl(ctx: Ctx): string {
  return `http://prometheus.${observabilityNamespace(ctx, "prometheus")}.svc:${PROMETHEUS_PORT}/api/v1/write`;
}
