import type { ScrapeTarget } from "./prometheus-targets.ts";

/**
 * prometheus.yml as a pure function of typed input. Checked by
 * `promtool check config` (with the rule files beside it) in
 * test/integration/prometheus, and loaded by a real Prometheus there.
 */

export const PROMETHEUS_PORT = 9090;
/** Rule files, relative to prometheus.yml: Prometheus resolves them from the config file's folder. */
export const RULES_DIR = "rules";

export interface PrometheusConfigInput {
  env: string;
  scrapeInterval: string;
  evaluationInterval: string;
  /** Kept per series for Grafana's metric → trace links. */
  maxExemplars: number;
  /** How long samples are kept (storage.tsdb.retention.time; Prometheus 3 deprecates the flag). */
  retention: string;
  /** DNS name of Alertmanager's headless Service; every replica behind it gets the alerts. Absent: no alerting. */
  alertmanagerDns?: string;
  alertmanagerPort?: number;
  /** Platform services to scrape (prometheus-targets.ts). */
  targets: ScrapeTarget[];
}

export function prometheusConfig(i: PrometheusConfigInput): Record<string, unknown> {
  return {
    global: {
      scrape_interval: i.scrapeInterval,
      evaluation_interval: i.evaluationInterval,
      // Tells alerts from different environments apart once they leave Prometheus.
      external_labels: { environment: i.env },
    },
    rule_files: [`${RULES_DIR}/*.yaml`],
    ...(i.alertmanagerDns
      ? {
          alerting: {
            alertmanagers: [{ dns_sd_configs: [{ names: [i.alertmanagerDns], type: "A", port: i.alertmanagerPort ?? 9093 }] }],
          },
        }
      : {}),
    storage: { tsdb: { retention: { time: i.retention } }, exemplars: { max_exemplars: i.maxExemplars } },
    scrape_configs: [{ job_name: "prometheus", static_configs: [{ targets: [`localhost:${PROMETHEUS_PORT}`] }] }, ...i.targets.map(dnsJob)],
  };
}

function dnsJob(t: ScrapeTarget): Record<string, unknown> {
  return {
    job_name: t.job,
    ...(t.metricsPath ? { metrics_path: t.metricsPath } : {}),
    dns_sd_configs: [{ names: [t.dnsName], type: "A", port: t.port }],
    // The namespace label lets alerts group and route the way they do for anything else in Kubernetes.
    relabel_configs: [{ target_label: "namespace", replacement: t.namespace }],
  };
}
