import type { App, RenderContext } from "../components/types.ts";
import type { ResolvedEnvironment } from "../config/resolve.ts";

/**
 * Runs every present component's pure render function. The only stage that
 * calls component code; it does no I/O itself either. `outPath` is the path
 * of manifests-result/ inside the git repository (for Argo CD).
 */
export function componentsToApps(env: ResolvedEnvironment, outPath = "manifests-result"): App[] {
  const present = new Map(env.components.map((c) => [c.component.name, c.options]));
  const ctx: RenderContext = {
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
