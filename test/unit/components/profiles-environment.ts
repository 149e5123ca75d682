/**
 * Resolves an environment of a profile through the real config resolver and
 * runs every present component, as `kindling build` does before Helm: the
 * components see exactly the context they see in a build.
 */
import type { App, ProfileName } from "../../../src/components/types.ts";
import { type ResolvedEnvironment, resolveEnvironment } from "../../../src/config/resolve.ts";
import { componentsToApps } from "../../../src/render/components-to-apps.ts";

export function environmentOf(profile: ProfileName, components: Record<string, unknown> = {}): ResolvedEnvironment {
  const definition = {
    name: "kindling",
    gitops: { repoURL: "https://example.com/platform.git" },
    environments: { test: { profile, components } },
  };
  return resolveEnvironment(definition, "test", { file: "kindling.config.ts" });
}

export function appsOf(profile: ProfileName, components: Record<string, unknown> = {}): App[] {
  return componentsToApps(environmentOf(profile, components));
}

export function app(apps: App[], name: string): App {
  const found = apps.find((a) => a.name === name);
  if (!found) throw new Error(`no app ${name}; apps: ${apps.map((a) => a.name).join(", ")}`);
  return found;
}
