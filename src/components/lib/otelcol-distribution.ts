/**
 * kindling's OpenTelemetry Collector distribution: exactly the modules the
 * platform's pipelines use, every one pinned to the same collector release.
 * A smaller distribution than otelcol-contrib means a smaller image, faster
 * builds and less attack surface; the release is the one ocb is pinned to in
 * scripts/tools/versions.env (a unit test keeps the two equal).
 */

/** The collector release: core beta modules and contrib modules share it. */
export const OTELCOL_RELEASE = "v0.161.0";
/** Core modules that are already 1.x (confmap providers) are released together with it under this version. */
export const OTELCOL_STABLE_RELEASE = "v1.67.0";

const CORE = "go.opentelemetry.io/collector";
const CONTRIB = "github.com/open-telemetry/opentelemetry-collector-contrib";

/** One Go module of the distribution and the component type it registers (the key used in collector configs). */
export interface OtelcolModule {
  /** "module version", as ocb expects it. */
  gomod: string;
  /** The component type in a collector config, e.g. "otlp_grpc". Checked against the module's metadata at this release. */
  type: string;
}

export interface OtelcolDistribution {
  /** Binary name, also the image name. */
  name: string;
  description: string;
  /** Version the binary reports (`--version`). */
  version: string;
  /** Go module path of the generated sources. */
  module: string;
  receivers: OtelcolModule[];
  processors: OtelcolModule[];
  exporters: OtelcolModule[];
  extensions: OtelcolModule[];
  /** Config sources: ${env:...}, file paths, inline yaml. */
  providers: string[];
}

export const core = (path: string, type: string): OtelcolModule => ({ gomod: `${CORE}/${path} ${OTELCOL_RELEASE}`, type });
export const contrib = (path: string, type: string): OtelcolModule => ({ gomod: `${CONTRIB}/${path} ${OTELCOL_RELEASE}`, type });

/**
 * Component types as registered by the modules at OTELCOL_RELEASE. Since
 * v0.13x the OTLP exporters are "otlp_grpc" / "otlp_http" and the remote-write
 * exporter is "prometheus_remote_write"; the old names are deprecated aliases,
 * so generated configs use the new ones.
 */
export const OTLP_RECEIVER = core("receiver/otlpreceiver", "otlp");
export const BATCH_PROCESSOR = core("processor/batchprocessor", "batch");
export const MEMORY_LIMITER_PROCESSOR = core("processor/memorylimiterprocessor", "memory_limiter");
export const OTLP_GRPC_EXPORTER = core("exporter/otlpexporter", "otlp_grpc");
export const OTLP_HTTP_EXPORTER = core("exporter/otlphttpexporter", "otlp_http");
export const PROMETHEUS_REMOTE_WRITE_EXPORTER = contrib("exporter/prometheusremotewriteexporter", "prometheus_remote_write");
export const HEALTH_CHECK_EXTENSION = contrib("extension/healthcheckextension", "health_check");

export const kindlingDistribution: OtelcolDistribution = {
  name: "otelcol-kindling",
  description: "kindling OpenTelemetry Collector: OTLP in; Tempo, Loki and Prometheus out",
  version: `${OTELCOL_RELEASE.slice(1)}-kindling`,
  module: "github.com/kindling-dev/kindling/otelcol",
  receivers: [OTLP_RECEIVER],
  processors: [MEMORY_LIMITER_PROCESSOR, BATCH_PROCESSOR],
  exporters: [OTLP_GRPC_EXPORTER, OTLP_HTTP_EXPORTER, PROMETHEUS_REMOTE_WRITE_EXPORTER],
  extensions: [HEALTH_CHECK_EXTENSION],
  // No http(s) provider: the config comes from a mounted file and env vars only.
  providers: ["envprovider", "fileprovider", "yamlprovider"].map((p) => `${CORE}/confmap/provider/${p} ${OTELCOL_STABLE_RELEASE}`),
};

/** The distribution with extra modules, e.g. a test-only exporter; the pins stay the same. */
export function withModules(
  base: OtelcolDistribution,
  extra: Partial<Pick<OtelcolDistribution, "receivers" | "processors" | "exporters" | "extensions">> & { name?: string },
): OtelcolDistribution {
  return {
    ...base,
    name: extra.name ?? base.name,
    receivers: [...base.receivers, ...(extra.receivers ?? [])],
    processors: [...base.processors, ...(extra.processors ?? [])],
    exporters: [...base.exporters, ...(extra.exporters ?? [])],
    extensions: [...base.extensions, ...(extra.extensions ?? [])],
  };
}

/** Every component type the distribution registers, by kind; used to check a collector config against it. */
export function componentTypes(d: OtelcolDistribution): Record<"receivers" | "processors" | "exporters" | "extensions", Set<string>> {
  const types = (mods: OtelcolModule[]) => new Set(mods.map((m) => m.type));
  return {
    receivers: types(d.receivers),
    processors: types(d.processors),
    exporters: types(d.exporters),
    extensions: types(d.extensions),
  };
}
