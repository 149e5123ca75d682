/**
 * Writes what kindling renders for Prometheus and Alertmanager to a folder
 * laid out as in the pod (prometheus.yml beside rules/), for the real tools.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { RULES_DIR } from "../../../src/components/lib/prometheus-config.ts";
import { platformRuleGroups, ruleFile } from "../../../src/components/lib/prometheus-rules.ts";
import { renderedFile } from "../otel/rendered.ts";

export const RULE_FILE = "platform.yaml";

/** prometheus.yml and rules/platform.yaml of an environment; returns the prometheus.yml path. */
export function writePrometheusFiles(env: string, dir: string): string {
  mkdirSync(join(dir, RULES_DIR), { recursive: true });
  writeFileSync(join(dir, RULES_DIR, RULE_FILE), renderedFile(env, "prometheus", "prometheus-rules", RULE_FILE));
  const config = join(dir, "prometheus.yml");
  writeFileSync(config, renderedFile(env, "prometheus", "prometheus", "prometheus.yml"));
  return config;
}

/** Every rule group, whatever is present: what the rule unit tests run against. */
export function writeAllRules(dir: string): string {
  mkdirSync(join(dir, RULES_DIR), { recursive: true });
  const path = join(dir, RULES_DIR, RULE_FILE);
  writeFileSync(path, stringify(ruleFile(platformRuleGroups({ collector: true, alertmanager: true, postgresql: true })), { lineWidth: 0 }));
  return path;
}

export function writeAlertmanagerConfig(env: string, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `alertmanager-${env}.yml`);
  writeFileSync(path, renderedFile(env, "alertmanager", "alertmanager", "alertmanager.yml"));
  return path;
}
