import { stringify } from "yaml";
import * as s from "../config/schema.ts";
import type { KubeObject } from "../model/k8s.ts";
import { configMap } from "./lib/config-map.ts";
import { configHashAnnotation } from "./lib/content-hash.ts";
import { deployment } from "./lib/deployment.ts";
import { DASHBOARDS_DIR, dashboardFiles, dashboardsProvisioning } from "./lib/grafana-dashboards/index.ts";
import { datasourcesProvisioning } from "./lib/grafana-datasources.ts";
import { LOKI_PORTS } from "./lib/loki-config.ts";
import { observabilityNamespace } from "./lib/observability-addresses.ts";
import { DNS_LABEL, namespaceOption } from "./lib/option-schemas.ts";
import { PROMETHEUS_PORT } from "./lib/prometheus-config.ts";
import { namedPort, nodePortService } from "./lib/services.ts";
import { TEMPO_PORTS } from "./lib/tempo-config.ts";
import { appLabels, type Resources, resourcesSchema, restrictedContainer, restrictedPodSpec, secretEnv } from "./lib/workload.ts";
import { defineComponent, type RenderContext } from "./types.ts";

export interface GrafanaOptions {
  /** Namespace of the observability stack. @default "observability" */
  namespace: string;
  /** The official Grafana image, pinned. @default "docker.io/grafana/grafana:12.3.1" */
  image: string;
  /** NodePort of the UI, mapped to the host by Kind. @default 30300 */
  nodePort: number;
  /**
   * Secret with "admin-user" and "admin-password", used in every environment
   * but local (where the login is admin/admin). Delivered by the secrets layer
   * (SOPS + age); never rendered. @default "grafana-admin"
   */
  adminSecret: string;
  /** CPU and memory. @default 50m/128Mi requested, 500m/256Mi limit locally; 100m/256Mi, 1/512Mi elsewhere */
  resources: Resources;
}

const NAME = "grafana";
const PORT = 3000;

export const grafana = defineComponent<GrafanaOptions>({
  name: NAME,
  description: "Grafana with Prometheus, Loki and Tempo datasources linked together, and the platform dashboards",
  profiles: ["dev-fast", "cilium", "full"],
  options: s.object({
    namespace: namespaceOption,
    image: s.string({ minLength: 1 }),
    nodePort: s.nodePort({ doc: "NodePort of the Grafana UI" }),
    adminSecret: s.string({ pattern: DNS_LABEL, patternHint: "a Secret name" }),
    resources: resourcesSchema,
  }),
  defaults: ({ env }) => ({
    namespace: "observability",
    image: "docker.io/grafana/grafana:12.3.1",
    nodePort: 30300,
    adminSecret: "grafana-admin",
    resources:
      env === "local"
        ? { cpuRequest: "50m", memoryRequest: "128Mi", cpuLimit: "500m", memoryLimit: "256Mi" }
        : { cpuRequest: "100m", memoryRequest: "256Mi", cpuLimit: "1", memoryLimit: "512Mi" },
  }),
  nodePorts: (o) => [{ port: o.nodePort, option: "nodePort" }],
  // admin/admin is literal only locally; everywhere else the login is generated into the secrets file.
  secrets: (ctx, o) =>
    ctx.env === "local"
      ? []
      : [
          {
            namespace: o.namespace,
            name: o.adminSecret,
            keys: {
              "admin-user": { description: "Grafana admin login", generate: { value: "admin" } },
              "admin-password": { description: "Grafana admin password", generate: "password" },
            },
          },
        ],
  render: (ctx, o) => {
    const datasources = stringify(datasourcesProvisioning(datasourceUrls(ctx)));
    const provider = stringify(dashboardsProvisioning());
    const dashboards = dashboardFiles();
    // Datasources are read at start only: a change must roll the pod.
    const rollOnChange = configHashAnnotation(datasources, provider, JSON.stringify(dashboards));
    return [
      {
        name: NAME,
        namespace: o.namespace,
        objects: [
          configMap(`${NAME}-datasources`, labels, { "datasources.yaml": datasources }),
          configMap(`${NAME}-dashboard-provider`, labels, { "kindling.yaml": provider }),
          configMap(`${NAME}-dashboards`, labels, dashboards),
          nodePortService(NAME, labels, [namedPort("http", PORT, { nodePort: o.nodePort })]),
          grafanaDeployment(o, ctx.env, rollOnChange),
        ],
      },
    ];
  },
});

/** In-cluster URLs of the datasources, from the other components' options when they are present. */
function datasourceUrls(ctx: RenderContext) {
  const nsOf = (c: string) => observabilityNamespace(ctx, c);
  return {
    prometheus: `http://prometheus.${nsOf("prometheus")}.svc:${PROMETHEUS_PORT}`,
    loki: ctx.has("loki") ? `http://loki.${nsOf("loki")}.svc:${LOKI_PORTS.http}` : undefined,
    tempo: ctx.has("tempo") ? `http://tempo.${nsOf("tempo")}.svc:${TEMPO_PORTS.http}` : undefined,
  };
}

const labels = appLabels(NAME, "dashboards");

/** admin/admin is written literally only for the local environment; everywhere else it comes from a Secret. */
function adminEnv(o: GrafanaOptions, env: string) {
  if (env === "local") {
    return [
      { name: "GF_SECURITY_ADMIN_USER", value: "admin" },
      { name: "GF_SECURITY_ADMIN_PASSWORD", value: "admin" },
    ];
  }
  return [
    secretEnv("GF_SECURITY_ADMIN_USER", o.adminSecret, "admin-user"),
    secretEnv("GF_SECURITY_ADMIN_PASSWORD", o.adminSecret, "admin-password"),
  ];
}

function grafanaDeployment(o: GrafanaOptions, env: string, podAnnotations: Record<string, string>): KubeObject {
  return deployment({
    name: NAME,
    labels,
    // State is SQLite on an emptyDir: everything that matters is provisioned, so one replica, recreated.
    replicas: 1,
    strategy: { type: "Recreate" },
    podAnnotations,
    // uid 472 is the grafana user of the official image.
    pod: restrictedPodSpec(472, {
      containers: [
        restrictedContainer(o.resources, {
          name: "grafana",
          image: o.image,
          ports: [{ name: "http", containerPort: PORT }],
          env: [
            ...adminEnv(o, env),
            { name: "GF_USERS_ALLOW_SIGN_UP", value: "false" },
            { name: "GF_AUTH_ANONYMOUS_ENABLED", value: "false" },
            // No calls home and no plugin downloads at start: the cluster may be offline.
            { name: "GF_ANALYTICS_REPORTING_ENABLED", value: "false" },
            { name: "GF_ANALYTICS_CHECK_FOR_UPDATES", value: "false" },
            { name: "GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES", value: "false" },
            { name: "GF_PLUGINS_PREINSTALL_DISABLED", value: "true" },
            { name: "GF_LOG_MODE", value: "console" },
            { name: "GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH", value: `${DASHBOARDS_DIR}/platform-overview.json` },
          ],
          readinessProbe: { httpGet: { path: "/api/health", port: "http" }, periodSeconds: 10 },
          livenessProbe: { httpGet: { path: "/api/health", port: "http" }, initialDelaySeconds: 60, periodSeconds: 20 },
          volumeMounts: [
            { name: "data", mountPath: "/var/lib/grafana" },
            { name: "tmp", mountPath: "/tmp" },
            { name: "datasources", mountPath: "/etc/grafana/provisioning/datasources", readOnly: true },
            { name: "dashboard-provider", mountPath: "/etc/grafana/provisioning/dashboards", readOnly: true },
            { name: "dashboards", mountPath: DASHBOARDS_DIR, readOnly: true },
          ],
        }),
      ],
      volumes: [
        { name: "data", emptyDir: {} },
        { name: "tmp", emptyDir: {} },
        { name: "datasources", configMap: { name: `${NAME}-datasources` } },
        { name: "dashboard-provider", configMap: { name: `${NAME}-dashboard-provider` } },
        { name: "dashboards", configMap: { name: `${NAME}-dashboards` } },
      ],
    }),
  });
}
