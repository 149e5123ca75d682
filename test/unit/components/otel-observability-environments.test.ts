/**
 * The observability apps of this part (collector, Prometheus, Alertmanager,
 * postgres-exporter) in every environment of the reference platform, and
 * staging vs prod differing only by option values, never by object shape.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import platform from "../../../kindling.config.ts";
import { environmentNames, resolveEnvironment } from "../../../src/config/resolve.ts";
import { componentsToApps } from "../../../src/render/components-to-apps.ts";

const APPS = ["otel-collector", "prometheus", "alertmanager", "postgres-exporter"];

function shape(env: string): Record<string, string[]> {
  const apps = componentsToApps(resolveEnvironment(platform, env, { file: "kindling.config.ts" }));
  return Object.fromEntries(
    APPS.map((name) => {
      const app = apps.find((a) => a.name === name);
      return [name, app ? (app.objects ?? []).map((o) => `${o.kind}/${o.metadata.name}`).sort() : []];
    }),
  );
}

describe("observability apps across environments", () => {
  it("are rendered in local, staging and prod", () => {
    assert.deepEqual(environmentNames(platform), ["local", "staging", "prod"]);
    for (const env of environmentNames(platform)) {
      for (const [app, objects] of Object.entries(shape(env))) assert.ok(objects.length > 0, `${app} missing in ${env}`);
    }
  });

  it("staging and prod have the same objects; only option values differ", () => {
    assert.deepEqual(shape("staging"), shape("prod"));
  });
});
