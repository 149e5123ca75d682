import type { ObjectSchema } from "../config/schema.ts";
import type { ChartSpec } from "../helm/types.ts";
import type { KubeObject } from "../model/k8s.ts";
import type { SecretRequirement } from "../secrets/types.ts";

/** The Kind cluster shapes kindling knows. The profile decides which components are present. */
export const PROFILES = ["dev-fast", "cilium", "full"] as const;
export type ProfileName = (typeof PROFILES)[number];

/** A Helm chart rendered into an app, through the pinned chart lock. */
export interface ChartInput {
  chart: ChartSpec;
  release: string;
  /** Defaults to the app's namespace. */
  namespace?: string;
  values: Record<string, unknown>;
  /** Render the chart's crds/ folder too (helm template --include-crds). */
  includeCrds?: boolean;
  /**
   * Extra Capabilities.APIVersions for the chart's templates (helm template
   * --api-versions), e.g. "policy/v1/PodDisruptionBudget": helm's offline
   * default lists group/versions only, so a template that asks for a kind
   * falls back to an API version the cluster no longer serves.
   */
  apiVersions?: string[];
}

/**
 * An app is one folder of output and one Argo CD Application. Its objects come
 * from typed code, pinned Helm charts, Kustomize folders and plain YAML files;
 * all four go through the same labelling, classification and validation.
 */
export interface App {
  /** Folder name under manifests-result/<env>/, and the Argo CD Application name. */
  name: string;
  /** Namespace given to namespaced objects that name none. */
  namespace: string;
  objects?: KubeObject[];
  charts?: ChartInput[];
  /** Kustomize folders, relative to the project root (the folder holding kindling.config.ts). */
  kustomize?: string[];
  /** Plain YAML files, relative to the project root. */
  files?: string[];
  /** Apps that must be applied and ready first (bootstrap order, Argo CD sync waves). */
  dependsOn?: string[];
}

/** A host-reachable NodePort a component claims; two components may not claim the same one. */
export interface NodePortClaim {
  port: number;
  /** Option path inside the component's options, for error messages: "service.nodePort". */
  option: string;
}

/** What a component may know while rendering. Nothing here does I/O. */
export interface RenderContext {
  env: string;
  profile: ProfileName;
  /**
   * Where Argo CD reads this environment's rendered manifests: the
   * environment's gitops repository and revision, and `path`, the folder
   * manifests-result/<env> inside that repository.
   */
  gitops: { repoURL: string; revision: string; path: string };
  /** True when the named component is present in this environment. */
  has(component: string): boolean;
  /** Resolved options of another present component (to wire components together). */
  optionsOf<O = unknown>(component: string): O;
}

/**
 * One platform component: typed options with defaults, and a pure function
 * from (context, options) to apps. Components never touch the disk, the
 * network or a cluster; the render stage does that with what they return.
 */
export interface Component<O> {
  name: string;
  /** One line, shown in `kindling build --help` and docs. */
  description: string;
  /** Profiles in which the component is present unless an environment turns it off. */
  profiles: readonly ProfileName[];
  /** Optional components are off by default and turned on with `enabled: true`. */
  optional?: boolean;
  options: ObjectSchema<O>;
  /** Defaults for an environment; the environment's overrides are merged on top, then checked. */
  defaults(ctx: Pick<RenderContext, "env" | "profile">): O;
  /** Host NodePorts this component claims with these options. */
  nodePorts?(options: O): NodePortClaim[];
  /** Every chart the component may use, so `kindling charts lock` can pin them all. */
  charts?: readonly ChartSpec[];
  /** Secrets the component reads but never renders; their values come from secrets/<env>.sops.yaml. */
  secrets?(ctx: RenderContext, options: O): SecretRequirement[];
  render(ctx: RenderContext, options: O): App[];
}

/** Erases the options type so components with different options live in one list. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds components of every option type
export type AnyComponent = Component<any>;

export function defineComponent<O>(component: Component<O>): Component<O> {
  return component;
}
