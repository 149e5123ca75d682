import { stringify } from "yaml";
import * as s from "../config/schema.ts";
import type { KubeObject } from "../model/k8s.ts";
import { ALERTMANAGER_HEADLESS, ALERTMANAGER_PORT } from "./lib/alertmanager-config.ts";
import { configMap } from "./lib/config-map.ts";
import { configHashAnnotation } from "./lib/content-hash.ts";
import { namespaceOption, storageClassOption } from "./lib/option-schemas.ts";
import { PROMETHEUS_PORT, prometheusConfig, RULES_DIR } from "./lib/prometheus-config.ts";
import { postgresExporterApp } from "./lib/prometheus-postgres-exporter.ts";
import { platformRuleGroups, ruleFile } from "./lib/prometheus-rules.ts";
import { platformTargets } from "./lib/prometheus-targets.ts";
import { containerPorts, namedPort, nodePortService } from "./lib/services.ts";
import { statefulSet, volumeClaim } from "./lib/statefulset.ts";
import { appLabels, type Resources, resourcesSchema, restrictedContainer, restrictedPodSpec } from "./lib/workload.ts";
import type { App, RenderContext } from "./types.ts";
import { defineComponent } from "./types.ts";

export interface PrometheusOptions {
  /** Namespace of the observability stack. @default "observability" */
  namespace: string;
  /** The official image, pinned by tag; the tests check the config with tools built at the same version (PROMETHEUS_VERSION in scripts/tools/versions.env). @default "quay.io/prometheus/prometheus:v3.13.5" (an LTS release) */
  image: string;
  /** How long samples are kept. @default "1d" locally, "7d" elsewhere (the reference prod config sets "15d") */
  retention: string;
  /** Size of the data volume; keep it above what the retention needs. @default "2Gi" locally, "10Gi" elsewhere */
  storage: string;
  /** Storage class of the data volume; unset uses the cluster default. */
  storageClass?: string;
  /** CPU and memory. @default 100m/512Mi requested, 1/1Gi limit */
  resources: Resources;
  /** NodePort of the web UI and API, mapped to the host by Kind. @default 30090 */
  nodePort: number;
  /** How often targets are scraped. @default "30s" */
  scrapeInterval: string;
  /** How often alert rules are evaluated. @default "30s" */
  evaluationInterval: string;
  /** Exemplars kept in memory, for Grafana's metric → trace links. @default 100000 */
  maxExemplars: number;
  /** postgres_exporter, deployed next to PostgreSQL when that component is present. */
  postgresExporter: { image: string; resources: Resources };
}

const NAME = "prometheus";
const RULE_FILE = "platform.yaml";
const DURATION = /^[0-9]+(ms|s|m|h|d|w|y)$/;
const duration = (doc: string) => s.string({ pattern: DURATION, patternHint: 'a Prometheus duration such as "30s", "2h" or "7d"', doc });

const options: s.ObjectSchema<PrometheusOptions> = s.object({
  namespace: namespaceOption,
  image: s.string({ minLength: 1 }),
  retention: duration("how long samples are kept"),
  storage: s.quantity(),
  storageClass: storageClassOption,
  resources: resourcesSchema,
  nodePort: s.nodePort({ doc: "NodePort of the web UI and API" }),
  scrapeInterval: duration("scrape interval"),
  evaluationInterval: duration("rule evaluation interval"),
  maxExemplars: s.int({ min: 0 }),
  postgresExporter: s.object({ image: s.string({ minLength: 1 }), resources: resourcesSchema }),
});

export const prometheus = defineComponent<PrometheusOptions>({
  name: NAME,
  description: "Prometheus with the remote-write receiver and exemplar storage, scraping the platform, with platform alert rules",
  profiles: ["dev-fast", "cilium", "full"],
  options,
  defaults: ({ env }) => ({
    namespace: "observability",
    image: "quay.io/prometheus/prometheus:v3.13.5",
    retention: env === "local" ? "1d" : "7d",
    storage: env === "local" ? "2Gi" : "10Gi",
    resources: { cpuRequest: "100m", memoryRequest: "512Mi", cpuLimit: "1", memoryLimit: "1Gi" },
    nodePort: 30090,
    scrapeInterval: "30s",
    evaluationInterval: "30s",
    maxExemplars: 100000,
    postgresExporter: {
      image: "quay.io/prometheuscommunity/postgres-exporter:v0.17.1",
      resources: { cpuRequest: "20m", memoryRequest: "32Mi", cpuLimit: "200m", memoryLimit: "64Mi" },
    },
  }),
  nodePorts: (o) => [{ port: o.nodePort, option: "nodePort" }],
  render: (ctx, o) => {
    const files = prometheusFiles(ctx, o);
    const apps: App[] = [
      {
        name: NAME,
        namespace: o.namespace,
        objects: [
          configMap(NAME, labels, { "prometheus.yml": files.config }),
          configMap(`${NAME}-rules`, labels, { [RULE_FILE]: files.rules }),
          prometheusStatefulSet(o, files),
          nodePortService(NAME, labels, [{ ...httpPort, nodePort: o.nodePort }]),
        ],
      },
    ];
    if (ctx.has("postgresql")) {
      const pg = ctx.optionsOf<{ namespace: string; credentialsSecret: string }>("postgresql");
      apps.push(postgresExporterApp({ namespace: pg.namespace, credentialsSecret: pg.credentialsSecret, ...o.postgresExporter }));
    }
    return apps;
  },
});

/** prometheus.yml and the rule file, as text: what the ConfigMaps hold and what the tests give promtool. */
export function prometheusFiles(ctx: Pick<RenderContext, "env" | "has" | "optionsOf">, o: PrometheusOptions) {
  const am = ctx.has("alertmanager") ? ctx.optionsOf<{ namespace: string }>("alertmanager").namespace : undefined;
  const config = prometheusConfig({
    env: ctx.env,
    scrapeInterval: o.scrapeInterval,
    evaluationInterval: o.evaluationInterval,
    maxExemplars: o.maxExemplars,
    retention: o.retention,
    targets: platformTargets(ctx),
    ...(am ? { alertmanagerDns: `${ALERTMANAGER_HEADLESS}.${am}.svc.cluster.local`, alertmanagerPort: ALERTMANAGER_PORT } : {}),
  });
  const groups = platformRuleGroups({
    collector: ctx.has("otel-collector"),
    alertmanager: am !== undefined,
    postgresql: ctx.has("postgresql"),
  });
  const text = (v: unknown) => stringify(v, { lineWidth: 0, aliasDuplicateObjects: false });
  return { config: text(config), rules: text(ruleFile(groups)) };
}

const labels = appLabels(NAME, "metrics");

const httpPort = namedPort("http", PROMETHEUS_PORT, { protocol: "TCP" });

function prometheusStatefulSet(o: PrometheusOptions, files: { config: string; rules: string }): KubeObject {
  const probe = (path: string) => ({ httpGet: { path, port: "http" } });
  return statefulSet({
    name: NAME,
    labels,
    // No headless Service: the one Service gives the single pod its DNS name.
    serviceName: NAME,
    // Prometheus does not watch its files here (no --web.enable-lifecycle): a change rolls the pod.
    podAnnotations: configHashAnnotation(files.config, files.rules),
    // The image's user is nobody. Discovery is by DNS (prometheus-targets.ts):
    // no Kubernetes API access, so no token in the pod (restrictedPodSpec).
    pod: restrictedPodSpec(65534, {
      containers: [
        restrictedContainer(o.resources, {
          name: "prometheus",
          image: o.image,
          args: [
            "--config.file=/etc/prometheus/prometheus.yml",
            "--storage.tsdb.path=/prometheus",
            // Retention is in prometheus.yml (storage.tsdb.retention.time): the flag is deprecated in 3.x.
            // The OTel Collector writes application metrics here.
            "--web.enable-remote-write-receiver",
            // Exemplars carry trace ids, which Grafana turns into metric → trace links.
            "--enable-feature=exemplar-storage",
          ],
          ports: containerPorts([httpPort]),
          readinessProbe: { ...probe("/-/ready"), periodSeconds: 5 },
          livenessProbe: { ...probe("/-/healthy"), initialDelaySeconds: 30, periodSeconds: 15 },
          volumeMounts: [
            { name: "config", mountPath: "/etc/prometheus", readOnly: true },
            { name: "data", mountPath: "/prometheus" },
          ],
        }),
      ],
      volumes: [
        {
          // One projected volume lays out prometheus.yml and rules/ as the config expects, without nesting mounts.
          name: "config",
          projected: {
            sources: [
              { configMap: { name: NAME } },
              { configMap: { name: `${NAME}-rules`, items: [{ key: RULE_FILE, path: `${RULES_DIR}/${RULE_FILE}` }] } },
            ],
          },
        },
      ],
    }),
    volumeClaims: [volumeClaim("data", o.storage, o.storageClass)],
  });
}
