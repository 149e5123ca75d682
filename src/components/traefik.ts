import * as s from "../config/schema.ts";
import type { ChartSpec } from "../helm/types.ts";
import { type Resources, resources, resourcesSchema } from "./lib/workload.ts";
import { defineComponent } from "./types.ts";

export interface TraefikOptions {
  /** Namespace of the ingress layer. @default "edge" */
  namespace: string;
  /** Traefik replicas. @default 1 locally, 2 elsewhere */
  replicas: number;
  /** NodePort of the HTTP entrypoint, mapped to the host by Kind. @default 30081 */
  httpNodePort: number;
  /** NodePort of the HTTPS entrypoint. @default 30444 */
  httpsNodePort: number;
  /** CPU and memory. @default 100m/128Mi requested, 500m/256Mi limit */
  resources: Resources;
  /** Log level of Traefik itself. @default "INFO" */
  logLevel: "DEBUG" | "INFO" | "WARN" | "ERROR";
}

export const traefikChart: ChartSpec = {
  name: "traefik",
  repository: "https://traefik.github.io/charts",
  chart: "traefik",
  version: "41.3.0",
};

const NAME = "traefik";

export const traefik = defineComponent<TraefikOptions>({
  name: NAME,
  description: "Traefik ingress in the edge namespace, NodePorts for HTTP and HTTPS",
  profiles: ["dev-fast", "cilium", "full"],
  charts: [traefikChart],
  options: s.object({
    namespace: s.string({ pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, patternHint: "a namespace name" }),
    replicas: s.int({ min: 1, max: 10 }),
    httpNodePort: s.nodePort({ doc: "NodePort of the HTTP entrypoint" }),
    httpsNodePort: s.nodePort({ doc: "NodePort of the HTTPS entrypoint" }),
    resources: resourcesSchema,
    logLevel: s.oneOf(["DEBUG", "INFO", "WARN", "ERROR"] as const),
  }),
  defaults: ({ env }) => ({
    namespace: "edge",
    replicas: env === "local" ? 1 : 2,
    httpNodePort: 30081,
    httpsNodePort: 30444,
    resources: { cpuRequest: "100m", memoryRequest: "128Mi", cpuLimit: "500m", memoryLimit: "256Mi" },
    logLevel: "INFO",
  }),
  nodePorts: (o) => [
    { port: o.httpNodePort, option: "httpNodePort" },
    { port: o.httpsNodePort, option: "httpsNodePort" },
  ],
  render: (_ctx, o) => [
    {
      name: NAME,
      namespace: o.namespace,
      charts: [
        {
          chart: traefikChart,
          release: NAME,
          includeCrds: true,
          // Keys checked against the chart's own values.yaml and values.schema.json (41.3.0).
          values: {
            deployment: { replicas: o.replicas },
            resources: resources(o.resources),
            log: { level: o.logLevel },
            service: { spec: { type: "NodePort" } },
            ports: {
              web: { nodePort: o.httpNodePort },
              websecure: { nodePort: o.httpsNodePort },
            },
            // The chart's defaults already run as non-root with a read-only root
            // filesystem and no capabilities; kindling states them so a chart
            // upgrade that changed them would show in the diff.
            securityContext: {
              allowPrivilegeEscalation: false,
              capabilities: { drop: ["ALL"] },
              readOnlyRootFilesystem: true,
            },
            podSecurityContext: {
              runAsGroup: 65532,
              runAsNonRoot: true,
              runAsUser: 65532,
              seccompProfile: { type: "RuntimeDefault" },
            },
          },
        },
      ],
    },
  ],
});
