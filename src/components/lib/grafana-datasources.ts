/**
 * Grafana's datasource provisioning file (apiVersion 1), pre-wired so the
 * three signals link to each other:
 *   metrics → traces  Prometheus exemplars carry a trace id (Tempo's metrics
 *                     generator labels them traceID, the collector's span
 *                     metrics connector trace_id): both open in Tempo.
 *   logs → traces     OTLP logs keep the trace id as structured metadata
 *                     "trace_id"; a derived field on that label opens Tempo.
 *   traces → logs     by trace id, in the span's service stream.
 *   traces → metrics  span-metrics rate/errors/latency for the span's service.
 *   service map       from Tempo's service-graph metrics in Prometheus.
 *
 * Grafana expands $VAR in provisioning files, so Grafana's own template
 * variables are written $$ (documented escape) to reach Grafana literally.
 * Fixed uids let dashboards and links name datasources without lookups.
 */

export const DATASOURCE_UIDS = { prometheus: "prometheus", loki: "loki", tempo: "tempo" } as const;

export interface DatasourceUrls {
  prometheus: string;
  loki?: string;
  tempo?: string;
}

export function datasourcesProvisioning(urls: DatasourceUrls): Record<string, unknown> {
  const { prometheus, loki, tempo } = DATASOURCE_UIDS;
  const datasources: Record<string, unknown>[] = [
    {
      name: "Prometheus",
      type: "prometheus",
      uid: prometheus,
      access: "proxy",
      url: urls.prometheus,
      isDefault: true,
      editable: false,
      jsonData: {
        httpMethod: "POST",
        timeInterval: "15s",
        ...(urls.tempo
          ? {
              exemplarTraceIdDestinations: [
                { name: "traceID", datasourceUid: tempo, urlDisplayLabel: "Trace" },
                { name: "trace_id", datasourceUid: tempo, urlDisplayLabel: "Trace" },
              ],
            }
          : {}),
      },
    },
  ];
  if (urls.loki) {
    datasources.push({
      name: "Loki",
      type: "loki",
      uid: loki,
      access: "proxy",
      url: urls.loki,
      editable: false,
      jsonData: {
        maxLines: 1000,
        ...(urls.tempo
          ? {
              derivedFields: [
                // OTLP logs: the trace id is structured metadata, matched by label name.
                {
                  name: "TraceID",
                  matcherType: "label",
                  matcherRegex: "trace_id",
                  datasourceUid: tempo,
                  url: "$${__value.raw}",
                  urlDisplayLabel: "Open trace",
                },
                // Plain-text logs that print the id in the line.
                {
                  name: "TraceIDInLine",
                  matcherType: "regex",
                  matcherRegex: '(?:trace_?[iI][dD])["=: ]+"?([0-9a-f]{32})',
                  datasourceUid: tempo,
                  url: "$${__value.raw}",
                  urlDisplayLabel: "Open trace",
                },
              ],
            }
          : {}),
      },
    });
  }
  if (urls.tempo) {
    datasources.push({
      name: "Tempo",
      type: "tempo",
      uid: tempo,
      access: "proxy",
      url: urls.tempo,
      editable: false,
      jsonData: {
        ...(urls.loki
          ? {
              tracesToLogsV2: {
                datasourceUid: loki,
                spanStartTimeShift: "-5m",
                spanEndTimeShift: "5m",
                // service.name becomes the stream label service_name in Loki's OTLP mapping.
                tags: [{ key: "service.name", value: "service_name" }],
                filterByTraceID: true,
                filterBySpanID: false,
              },
              lokiSearch: { datasourceUid: loki },
            }
          : {}),
        tracesToMetrics: {
          datasourceUid: prometheus,
          spanStartTimeShift: "-5m",
          spanEndTimeShift: "5m",
          // Tempo's span metrics label the service "service".
          tags: [{ key: "service.name", value: "service" }],
          queries: [
            { name: "Request rate", query: "sum(rate(traces_spanmetrics_calls_total{$$__tags}[5m]))" },
            { name: "Error rate", query: 'sum(rate(traces_spanmetrics_calls_total{$$__tags,status_code="STATUS_CODE_ERROR"}[5m]))' },
            {
              name: "Latency p95",
              query: "histogram_quantile(0.95, sum by (le) (rate(traces_spanmetrics_latency_bucket{$$__tags}[5m])))",
            },
          ],
        },
        serviceMap: { datasourceUid: prometheus },
        nodeGraph: { enabled: true },
        search: { hide: false },
        traceQuery: { timeShiftEnabled: true, spanStartTimeShift: "-5m", spanEndTimeShift: "5m" },
        streamingEnabled: { search: true, metrics: true },
      },
    });
  }
  return { apiVersion: 1, datasources };
}
