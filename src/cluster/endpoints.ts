import type { ProfileName } from "../components/types.ts";
import { PROFILE_SHAPES } from "../kind/profiles.ts";
import type { DesiredEnvironment } from "./manifests.ts";

export interface Endpoint {
  /** What answers: "Grafana", or "<namespace>/<service>" for a port the profile does not publish. */
  name: string;
  url: string;
  app: string;
  service: string;
  /** How to log in, when there is anything to know. */
  credentials?: string;
  /** false: a NodePort the Kind config does not map to the host (reach it with kubectl port-forward). */
  published: boolean;
}

/** Login hints by published service; local clusters only, never a real secret. */
const CREDENTIALS: Record<string, string> = {
  Grafana: "admin / admin (local only)",
  "Argo CD HTTP": "admin / `kubectl -n argocd get secret argocd-initial-admin-secret -o jsonpath='{.data.password}' | base64 -d`",
  "Argo CD HTTPS": "admin / (same as Argo CD HTTP)",
};

interface ServicePort {
  name?: string;
  port?: number;
  nodePort?: number;
}

/**
 * Endpoints from the rendered Services of type NodePort: the host reaches
 * the ones the profile publishes (Kind's extraPortMappings) at
 * 127.0.0.1:<nodePort>. Read from the rendered files, so the table is right
 * even before the cluster exists.
 */
export function endpointsOf(env: DesiredEnvironment): Endpoint[] {
  const shape = PROFILE_SHAPES[env.profile as ProfileName];
  const published = new Map((shape?.hostPorts ?? []).map((p) => [p.port, p.service]));
  const out: Endpoint[] = [];
  for (const app of env.apps) {
    for (const o of app.objects) {
      if (o.kind !== "Service" || o.apiVersion !== "v1" || !/NodePort/.test(o.text)) continue;
      const spec = (o.object.spec ?? {}) as { type?: string; ports?: ServicePort[] };
      if (spec.type !== "NodePort" && spec.type !== "LoadBalancer") continue;
      for (const p of spec.ports ?? []) {
        if (!p.nodePort) continue;
        const label = published.get(p.nodePort);
        const https = /https|websecure|tls/i.test(p.name ?? "") || p.port === 443 || /HTTPS/.test(label ?? "");
        out.push({
          name: label ?? `${o.namespace ?? app.namespace}/${o.name}:${p.name ?? p.port}`,
          url: `${https ? "https" : "http"}://127.0.0.1:${p.nodePort}`,
          app: app.name,
          service: `${o.namespace ?? app.namespace}/${o.name}`,
          credentials: label ? CREDENTIALS[label] : undefined,
          published: label !== undefined,
        });
      }
    }
  }
  return out.sort((a, b) => Number(b.published) - Number(a.published) || a.url.localeCompare(b.url));
}
