import type { components } from "../components/index.ts";
import type { Component, ProfileName } from "../components/types.ts";

type Registry = typeof components;
type OptionsOf<C> = C extends Component<infer O> ? O : never;

/** Every field optional, all the way down (lists are replaced whole, not merged). */
export type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** Per-component overrides for one environment: any option, plus `enabled` to turn a component on or off. */
export type ComponentOverrides = {
  [K in keyof Registry]?: DeepPartial<OptionsOf<Registry[K]>> & {
    /** Turn the component off in a profile that has it, or turn an optional component on. */
    enabled?: boolean;
  };
};

/** Where Argo CD reads the rendered manifests from. */
export interface GitOpsDefinition {
  /** Git repository holding manifests-result/, e.g. "https://github.com/acme/platform.git". Required. */
  repoURL?: string;
  /** Branch, tag or commit Argo CD follows. @default "main" */
  revision?: string;
}

export interface EnvironmentDefinition {
  /** Cluster shape and the set of components: "dev-fast", "cilium" or "full". */
  profile: ProfileName;
  /** Overrides the platform-wide gitops settings for this environment. */
  gitops?: GitOpsDefinition;
  /** Option overrides per component, merged over the component's defaults. */
  components?: ComponentOverrides;
}

export interface ChartSourcesDefinition {
  /**
   * A directory of chart archives (<chart>-<version>.tgz) used instead of the
   * chart repositories, for air-gapped machines. KINDLING_CHART_MIRROR wins.
   */
  mirror?: string;
  /**
   * Charts taken from an unpacked directory while developing them, by chart
   * name. No digest is checked; every build prints a warning.
   */
  local?: Record<string, string>;
}

export interface PlatformDefinition {
  /** Name of the platform; also the Kind cluster name. @default "kindling" */
  name?: string;
  gitops?: GitOpsDefinition;
  charts?: ChartSourcesDefinition;
  /** The environments, by name (for example local, staging, prod). */
  environments: Record<string, EnvironmentDefinition>;
}

/**
 * Declares the platform. Returns its argument unchanged: the point is the
 * types, so an editor completes and checks every option as it is written.
 */
export function definePlatform<const P extends PlatformDefinition>(platform: P): P {
  return platform;
}
