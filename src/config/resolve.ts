import { components as registry } from "../components/index.ts";
import { type AnyComponent, PROFILES, type ProfileName } from "../components/types.ts";
import { isPlainObject } from "../model/plain.ts";
import { type ConfigIssue, closest } from "./schema.ts";

/** A component present in an environment, with its options checked and defaulted. */
export interface ResolvedComponent {
  component: AnyComponent;
  options: unknown;
}

export interface ResolvedEnvironment {
  platform: string;
  env: string;
  profile: ProfileName;
  gitops: { repoURL: string; revision: string };
  charts: { mirror?: string; local: Record<string, string> };
  /** In registry order, which keeps every later step deterministic. */
  components: ResolvedComponent[];
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly env: string | undefined,
    readonly issues: ConfigIssue[],
  ) {
    const where = env ? ` (environment "${env}")` : "";
    super(`${file} is not valid${where}:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const TOP_LEVEL = ["name", "gitops", "charts", "environments"];
const ENV_FIELDS = ["profile", "gitops", "components"];

export function environmentNames(definition: unknown): string[] {
  return isPlainObject(definition) && isPlainObject(definition.environments) ? Object.keys(definition.environments) : [];
}

/**
 * The environments to build when none is named: all of them. A definition
 * with none is a config error, not an empty build that "succeeds".
 */
export function requireEnvironmentNames(definition: unknown, file: string): string[] {
  const names = environmentNames(definition);
  if (names.length > 0) return names;
  throw new ConfigError(file, undefined, [
    isPlainObject(definition)
      ? { path: "environments", message: NO_ENVIRONMENTS }
      : { path: "(default export)", message: "expected definePlatform({...}) as the default export" },
  ]);
}

const NO_ENVIRONMENTS = 'expected at least one environment, e.g. { local: { profile: "dev-fast" } }';

/**
 * Turns the raw platform definition into one checked environment. Collects
 * every issue instead of stopping at the first, so one run shows all there is
 * to fix; throws ConfigError when there are any. Nothing is written before this
 * has passed.
 */
export function resolveEnvironment(definition: unknown, envName: string, opts: { file: string; profile?: string }): ResolvedEnvironment {
  const issues: ConfigIssue[] = [];
  const bail = (env?: string): never => {
    throw new ConfigError(opts.file, env, issues);
  };

  if (!isPlainObject(definition)) {
    issues.push({ path: "(default export)", message: "expected definePlatform({...}) as the default export" });
    return bail();
  }
  for (const key of Object.keys(definition)) {
    if (!TOP_LEVEL.includes(key)) issues.push({ path: key, message: unknownMessage(key, TOP_LEVEL) });
  }
  const platform = definition.name ?? "kindling";
  if (typeof platform !== "string" || !NAME.test(platform)) {
    issues.push({ path: "name", message: `expected a lower-case DNS name such as "kindling", got ${JSON.stringify(platform)}` });
  }
  const environments = definition.environments;
  if (!isPlainObject(environments) || Object.keys(environments).length === 0) {
    issues.push({ path: "environments", message: NO_ENVIRONMENTS });
    return bail();
  }
  const envDef = environments[envName];
  if (!isPlainObject(envDef)) {
    const names = Object.keys(environments);
    const near = closest(envName, names);
    issues.push({
      path: `environments.${envName}`,
      message: `unknown environment${near ? ` (did you mean "${near}"?)` : ""}; defined: ${names.join(", ")}`,
    });
    return bail();
  }
  const base = `environments.${envName}`;
  if (!NAME.test(envName)) {
    // The name becomes manifests-result/<env>/, a path in every Argo CD Application and secrets/<env>.sops.yaml.
    issues.push({
      path: base,
      message: `environment names are folder names (manifests-result/<env>/) and paths in Argo CD Applications: expected a lower-case DNS label such as "staging", got ${JSON.stringify(envName)}`,
    });
    return bail(envName);
  }
  for (const key of Object.keys(envDef)) {
    if (!ENV_FIELDS.includes(key)) issues.push({ path: `${base}.${key}`, message: unknownMessage(key, ENV_FIELDS) });
  }

  const profile = opts.profile ?? envDef.profile;
  const profilePath = opts.profile ? "--profile" : `${base}.profile`;
  if (!PROFILES.includes(profile as ProfileName)) {
    issues.push({ path: profilePath, message: `unknown profile ${JSON.stringify(profile)}; allowed: ${PROFILES.join(", ")}` });
    return bail(envName);
  }

  const gitops = resolveGitOps(definition.gitops, envDef.gitops, base, issues);
  const charts = resolveChartSources(definition.charts, issues);
  const resolved = resolveComponents(envName, profile as ProfileName, envDef.components, `${base}.components`, issues);
  checkNodePorts(resolved, `${base}.components`, issues);

  if (issues.length > 0) return bail(envName);
  return {
    platform: platform as string,
    env: envName,
    profile: profile as ProfileName,
    gitops: gitops as ResolvedEnvironment["gitops"],
    charts,
    components: resolved,
  };
}

function resolveComponents(
  env: string,
  profile: ProfileName,
  overrides: unknown,
  base: string,
  issues: ConfigIssue[],
): ResolvedComponent[] {
  const all = Object.values(registry) as AnyComponent[];
  const byName = new Map(all.map((c) => [c.name, c]));
  const given = overrides === undefined ? {} : overrides;
  if (!isPlainObject(given)) {
    issues.push({ path: base, message: "expected an object of component overrides, by component name" });
    return [];
  }
  for (const name of Object.keys(given)) {
    if (!byName.has(name)) issues.push({ path: `${base}.${name}`, message: unknownMessage(name, [...byName.keys()], "component") });
  }

  const out: ResolvedComponent[] = [];
  for (const component of all) {
    const raw = given[component.name];
    if (raw !== undefined && !isPlainObject(raw)) {
      issues.push({ path: `${base}.${component.name}`, message: "expected an object of options" });
      continue;
    }
    const { enabled, ...userOptions } = (raw ?? {}) as Record<string, unknown>;
    if (enabled !== undefined && typeof enabled !== "boolean") {
      issues.push({ path: `${base}.${component.name}.enabled`, message: `expected true or false, got ${JSON.stringify(enabled)}` });
      continue;
    }
    const inProfile = component.profiles.includes(profile);
    const present = enabled ?? (inProfile && !component.optional);
    if (!present) continue;
    if (enabled === true && !inProfile) {
      issues.push({
        path: `${base}.${component.name}.enabled`,
        message: `component ${component.name} is not available in profile ${profile}; it runs in: ${component.profiles.join(", ")}`,
      });
      continue;
    }
    const merged = deepMerge(component.defaults({ env, profile }), userOptions);
    const options = component.options.check(merged, `${base}.${component.name}`, issues);
    if (options !== undefined) out.push({ component, options });
  }
  return out;
}

function checkNodePorts(resolved: ResolvedComponent[], base: string, issues: ConfigIssue[]): void {
  const claimed = new Map<number, string>();
  for (const { component, options } of resolved) {
    for (const claim of component.nodePorts?.(options) ?? []) {
      const path = `${base}.${component.name}.${claim.option}`;
      const earlier = claimed.get(claim.port);
      if (earlier) {
        issues.push({ path, message: `NodePort ${claim.port} is already claimed by ${earlier}; each NodePort may be used once` });
      } else {
        claimed.set(claim.port, path);
      }
    }
  }
}

function resolveGitOps(platformLevel: unknown, envLevel: unknown, base: string, issues: ConfigIssue[]) {
  const fields = ["repoURL", "revision"];
  const merged: Record<string, unknown> = {};
  for (const [where, value] of [
    ["gitops", platformLevel],
    [`${base}.gitops`, envLevel],
  ] as const) {
    if (value === undefined) continue;
    if (!isPlainObject(value)) {
      issues.push({ path: where, message: "expected an object { repoURL, revision }" });
      continue;
    }
    for (const key of Object.keys(value)) {
      if (!fields.includes(key)) issues.push({ path: `${where}.${key}`, message: unknownMessage(key, fields) });
    }
    Object.assign(merged, value);
  }
  const repoURL = merged.repoURL;
  if (typeof repoURL !== "string" || !/^(https:\/\/|ssh:\/\/|git@|file:\/\/)\S+$/.test(repoURL)) {
    issues.push({
      path: `${base}.gitops.repoURL`,
      message: `${repoURL === undefined ? "missing required value" : `got ${JSON.stringify(repoURL)}`}: expected the git URL Argo CD syncs manifests-result/ from, e.g. "https://github.com/acme/platform.git" (set it under gitops or ${base}.gitops)`,
    });
  }
  const revision = merged.revision ?? "main";
  if (typeof revision !== "string" || revision.length === 0) {
    issues.push({ path: `${base}.gitops.revision`, message: `expected a branch, tag or commit, got ${JSON.stringify(revision)}` });
  }
  return { repoURL, revision };
}

export function resolveChartSources(value: unknown, issues: ConfigIssue[]): ResolvedEnvironment["charts"] {
  if (value === undefined) return { local: {} };
  if (!isPlainObject(value)) {
    issues.push({ path: "charts", message: "expected an object { mirror?, local? }" });
    return { local: {} };
  }
  for (const key of Object.keys(value)) {
    if (key !== "mirror" && key !== "local") issues.push({ path: `charts.${key}`, message: unknownMessage(key, ["mirror", "local"]) });
  }
  const out: ResolvedEnvironment["charts"] = { local: {} };
  if (value.mirror !== undefined) {
    if (typeof value.mirror === "string") out.mirror = value.mirror;
    else issues.push({ path: "charts.mirror", message: "expected a directory path holding <chart>-<version>.tgz archives" });
  }
  if (value.local !== undefined) {
    if (!isPlainObject(value.local)) {
      issues.push({ path: "charts.local", message: "expected a map of chart name to an unpacked chart directory" });
    } else {
      for (const [name, dir] of Object.entries(value.local)) {
        if (typeof dir === "string") out.local[name] = dir;
        else issues.push({ path: `charts.local.${name}`, message: "expected a directory path" });
      }
    }
  }
  return out;
}

function unknownMessage(key: string, allowed: string[], what = "field"): string {
  const near = closest(key, allowed);
  return `unknown ${what}${near ? ` (did you mean "${near}"?)` : ""}; allowed: ${allowed.join(", ")}`;
}

/** Objects merge key by key; lists and scalars from the override replace the default. */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = deepMerge(base[k], v);
  return out;
}
