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
  /** DNS name of Alertmanager's headless Service; every replica behind it gets the alerts. Absent: no alerting. */
  alertmanagerDns?: string;
  alertmanagerPort?: number;
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
    storage: { exemplars: { max_exemplars: i.maxExemplars } },
    scrape_configs: [{ job_name: "prometheus", static_configs: [{ targets: [`localhost:${PROMETHEUS_PORT}`] }] }, annotatedPods()],
  };
}

/**
 * Every pod that asks to be scraped: `prometheus.io/scrape: "true"`, with
 * `prometheus.io/port` and optionally `prometheus.io/path`. The job is the
 * pod's app.kubernetes.io/name, so alert rules can say `up{job="otel-collector"}`
 * and mean every replica. Charts (Loki, Tempo, Traefik) opt in with the same
 * annotations; no per-component scrape config to keep in sync.
 */
function annotatedPods(): Record<string, unknown> {
  return {
    job_name: "kubernetes-pods",
    kubernetes_sd_configs: [{ role: "pod" }],
    relabel_configs: [
      { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], action: "keep", regex: "true" },
      // Finished and not-yet-started pods have nothing to scrape; "down" for them would be a false alarm.
      { source_labels: ["__meta_kubernetes_pod_phase"], action: "drop", regex: "Pending|Succeeded|Failed" },
      {
        source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_path"],
        action: "replace",
        regex: "(.+)",
        target_label: "__metrics_path__",
      },
      {
        source_labels: ["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"],
        action: "replace",
        regex: "([^:]+)(?::\\d+)?;(\\d+)",
        replacement: "$1:$2",
        target_label: "__address__",
      },
      { source_labels: ["__meta_kubernetes_pod_label_app_kubernetes_io_name"], action: "replace", regex: "(.+)", target_label: "job" },
      { source_labels: ["__meta_kubernetes_namespace"], action: "replace", target_label: "namespace" },
      { source_labels: ["__meta_kubernetes_pod_name"], action: "replace", target_label: "pod" },
    ],
  };
}
