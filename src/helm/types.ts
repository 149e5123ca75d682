/**
 * A Helm chart a component wants rendered, declared statically next to the
 * component so `kindling charts lock` can find every chart without rendering.
 *
 * `name` is the unique key in charts.lock.yaml (usually the component name).
 * `repository` is either a classic chart repository URL
 * ("https://traefik.github.io/charts") or an OCI registry path without the
 * chart ("oci://ghcr.io/traefik/helm"); the chart is then pulled from
 * `<repository>/<chart>`. `version` is an exact chart version.
 */
export interface ChartSpec {
  name: string;
  repository: string;
  chart: string;
  version: string;
}

/** One pinned chart in charts.lock.yaml. */
export interface LockEntry {
  repository: string;
  chart: string;
  version: string;
  /** "sha256:<hex>" of the chart archive (.tgz) exactly as downloaded. */
  digest: string;
}

export interface ChartLock {
  charts: Record<string, LockEntry>;
}

/** Where chart archives come from and where they are kept. */
export interface ChartSources {
  /** Path to charts.lock.yaml (project root). */
  lockFile: string;
  /** Archives live in <cacheDir>/charts/, rendered output in <cacheDir>/helm-render/. */
  cacheDir: string;
  /**
   * Air-gapped mirror: a directory of `<chart>-<version>.tgz` archives used
   * instead of the repository. When unset, KINDLING_CHART_MIRROR is used, so a
   * disconnected machine can point at its mirror without editing the config.
   */
  mirrorDir?: string;
  /** Chart name -> unpacked chart directory, for chart development. No digest is checked. */
  localCharts?: Record<string, string>;
  /** Never touch the network. */
  offline?: boolean;
  /** Where warnings go (default: console.warn). */
  warn?: (msg: string) => void;
}

export interface HelmRenderRequest {
  chart: ChartSpec;
  release: string;
  namespace: string;
  values: Record<string, unknown>;
  /** Render the chart's crds/ directory too (`--include-crds`). */
  includeCrds?: boolean;
  /** Capabilities.KubeVersion seen by the templates (`--kube-version`). */
  kubeVersion?: string;
  /** Extra Capabilities.APIVersions (`--api-versions`), e.g. "monitoring.coreos.com/v1". */
  apiVersions?: string[];
  /**
   * Leave out the chart's `helm test` hooks (default true): they only run
   * under `helm test`, which nobody runs against rendered manifests.
   */
  skipTests?: boolean;
}
