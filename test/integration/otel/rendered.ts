/**
 * Config files exactly as `kindling build` renders them for the reference
 * platform (kindling.config.ts): resolved options, real wiring between
 * components. Integration tests feed these to the real programs.
 */
import platform from "../../../kindling.config.ts";
import { environmentNames, resolveEnvironment } from "../../../src/config/resolve.ts";
import type { KubeObject } from "../../../src/model/k8s.ts";
import { componentsToApps } from "../../../src/render/components-to-apps.ts";

export const ENVIRONMENTS = environmentNames(platform);

export function renderedObjects(env: string, app: string): KubeObject[] {
  const resolved = resolveEnvironment(platform, env, { file: "kindling.config.ts" });
  const found = componentsToApps(resolved).find((a) => a.name === app);
  if (!found) throw new Error(`app ${app} is not rendered in environment ${env}`);
  return found.objects ?? [];
}

/** One key of a rendered ConfigMap. */
export function renderedFile(env: string, app: string, configMap: string, key: string): string {
  const cm = renderedObjects(env, app).find((o) => o.kind === "ConfigMap" && o.metadata.name === configMap);
  const text = (cm?.data as Record<string, string> | undefined)?.[key];
  if (text === undefined) throw new Error(`ConfigMap ${configMap} of app ${app} (${env}) has no key ${key}`);
  return text;
}
