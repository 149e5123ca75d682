/**
 * Loki's configuration (monolithic "all" target, single binary), as an
 * object: rendered to YAML by the component. Keys follow Loki 3.x's
 * configuration reference (docs/sources/shared/configuration.md).
 *
 * Credentials are never in it: "${AWS_ACCESS_KEY_ID}" is expanded by Loki
 * itself (-config.expand-env=true) from the Secret the Garage bootstrap Job
 * writes.
 */

export const LOKI_PORTS = { http: 3100, grpc: 9095 } as const;
export const LOKI_DATA_DIR = "/var/loki";

export interface LokiS3 {
  hostPort: string;
  region: string;
  chunksBucket: string;
  rulerBucket: string;
}

export interface LokiConfigInput {
  /** undefined: keep everything on the local volume (Garage not present). */
  s3?: LokiS3;
  retention: string;
  ingestionRateMb: number;
  ingestionBurstMb: number;
  otlpIndexLabels: string[];
}

function s3Block(s3: LokiS3, bucket: string) {
  return {
    endpoint: s3.hostPort,
    region: s3.region,
    bucketnames: bucket,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: expanded by the program itself (-config.expand-env)
    access_key_id: "${AWS_ACCESS_KEY_ID}",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: expanded by the program itself (-config.expand-env)
    secret_access_key: "${AWS_SECRET_ACCESS_KEY}",
    // Garage serves buckets as paths (http://garage:3900/<bucket>), not as subdomains.
    s3forcepathstyle: true,
    // Plain HTTP inside the cluster; the mesh (ztunnel) encrypts pod-to-pod traffic in the full profile.
    insecure: true,
  };
}

export function lokiConfig(i: LokiConfigInput): Record<string, unknown> {
  const store = i.s3 ? "s3" : "filesystem";
  return {
    auth_enabled: false,
    server: { http_listen_port: LOKI_PORTS.http, grpc_listen_port: LOKI_PORTS.grpc, log_level: "info" },
    common: {
      path_prefix: LOKI_DATA_DIR,
      replication_factor: 1,
      instance_addr: "127.0.0.1",
      ring: { kvstore: { store: "inmemory" } },
      storage: i.s3
        ? { s3: s3Block(i.s3, i.s3.chunksBucket) }
        : { filesystem: { chunks_directory: `${LOKI_DATA_DIR}/chunks`, rules_directory: `${LOKI_DATA_DIR}/rules` } },
    },
    schema_config: {
      configs: [
        // v13 + TSDB is what structured metadata (and so OTLP ingestion) needs.
        { from: "2024-04-01", store: "tsdb", object_store: store, schema: "v13", index: { prefix: "index_", period: "24h" } },
      ],
    },
    storage_config: {
      tsdb_shipper: { active_index_directory: `${LOKI_DATA_DIR}/tsdb-index`, cache_location: `${LOKI_DATA_DIR}/tsdb-cache` },
    },
    ingester: { wal: { dir: `${LOKI_DATA_DIR}/wal` } },
    ruler: {
      rule_path: `${LOKI_DATA_DIR}/rules-temp`,
      storage: i.s3
        ? { type: "s3", s3: s3Block(i.s3, i.s3.rulerBucket) }
        : { type: "local", local: { directory: `${LOKI_DATA_DIR}/rules` } },
    },
    compactor: {
      working_directory: `${LOKI_DATA_DIR}/compactor`,
      retention_enabled: true,
      // Loki 3 refuses retention without a store for delete requests.
      delete_request_store: store,
    },
    limits_config: {
      retention_period: i.retention,
      // OTLP attributes that are not index labels land in structured metadata.
      allow_structured_metadata: true,
      volume_enabled: true,
      ingestion_rate_mb: i.ingestionRateMb,
      ingestion_burst_size_mb: i.ingestionBurstMb,
    },
    distributor: {
      // Logs arrive over OTLP HTTP (/otlp/v1/logs) from the collector; these
      // resource attributes become stream labels, the rest structured metadata.
      otlp_config: { default_resource_attributes_as_index_labels: i.otlpIndexLabels },
    },
    query_range: { results_cache: { cache: { embedded_cache: { enabled: true, max_size_mb: 50 } } } },
    pattern_ingester: { enabled: false },
    // No phoning home from a laptop or an air-gapped cluster.
    analytics: { reporting_enabled: false },
  };
}
