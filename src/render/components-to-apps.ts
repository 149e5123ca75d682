import type { App, RenderContext } from "../components/types.ts";
import { type ResolvedEnvironment, resolveEnvironment } from "../config/resolve.ts";
import { type SecretRequirement, secretId } from "../secrets/types.ts";

/**
 * Runs every present component's pure render function. The only stage that
 * calls component code; it does no I/O itself either. `outPath` is the path
 * of manifests-result/ inside the git repository (for Argo CD).
 */
export function componentsToApps(env: ResolvedEnvironment, outPath = "manifests-result"): App[] {
  const ctx = renderContext(env, outPath);
  const apps: App[] = [];
  const owner = new Map<string, string>();
  for (const { component, options } of env.components) {
    for (const app of component.render(ctx, options)) {
      const earlier = owner.get(app.name);
      if (earlier) throw new Error(`components ${earlier} and ${component.name} both produce an app named ${app.name}`);
      owner.set(app.name, component.name);
      apps.push(app);
    }
  }
  return apps;
}

/** The Secrets the present components read but never render, sorted by namespace/name. */
export function componentSecrets(env: ResolvedEnvironment, outPath = "manifests-result"): SecretRequirement[] {
  const ctx = renderContext(env, outPath);
  const secrets = new Map<string, SecretRequirement>();
  for (const { component, options } of env.components) {
    for (const req of component.secrets?.(ctx, options) ?? []) {
      // Two components may read the same Secret: the keys they need add up.
      const known = secrets.get(secretId(req));
      secrets.set(secretId(req), known ? { ...known, keys: { ...known.keys, ...req.keys } } : req);
    }
  }
  // Code-point order, not localeCompare: the order lands in build.json and must not depend on the machine's locale.
  return [...secrets.values()].sort((a, b) => (secretId(a) < secretId(b) ? -1 : secretId(a) > secretId(b) ? 1 : 0));
}

/**
 * The Secrets environment `env` of a platform definition needs, for commands
 * that do not render (secrets init/check, up). Throws ConfigError when the
 * environment does not resolve.
 */
export function environmentSecrets(definition: unknown, env: string, opts: { file: string; profile?: string }): SecretRequirement[] {
  return componentSecrets(resolveEnvironment(definition, env, opts));
}

function renderContext(env: ResolvedEnvironment, outPath: string): RenderContext {
  const present = new Map(env.components.map((c) => [c.component.name, c.options]));
  return {
    env: env.env,
    profile: env.profile,
    gitops: { repoURL: env.gitops.repoURL, revision: env.gitops.revision, path: `${outPath}/${env.env}` },
    has: (name) => present.has(name),
    optionsOf: <O>(name: string): O => {
      if (!present.has(name)) {
        throw new Error(`component ${name} is not present in environment ${env.env}; check ctx.has("${name}") first`);
      }
      return present.get(name) as O;
    },
  };
}
