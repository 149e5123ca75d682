import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { assertRestrictedWorkloads, dataOf, ENVS, find, objectsOf } from "./garage-render.ts";

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML / pod template
type Any = any;
const datasources = (env: string): Any[] => parse(dataOf(objectsOf(env, "grafana"), "grafana-datasources", "datasources.yaml")).datasources;
const byType = (env: string, type: string) => datasources(env).find((d) => d.type === type);
const container = (env: string): Any => (find(objectsOf(env, "grafana"), "Deployment", "grafana") as Any).spec.template.spec.containers[0];

describe("grafana component", () => {
  it("logs in with admin/admin only locally; elsewhere the login comes from a Secret", () => {
    const local = container("local").env.filter((e: Any) => e.name.startsWith("GF_SECURITY_ADMIN"));
    assert.deepEqual(local, [
      { name: "GF_SECURITY_ADMIN_USER", value: "admin" },
      { name: "GF_SECURITY_ADMIN_PASSWORD", value: "admin" },
    ]);
    for (const env of ["staging", "prod"]) {
      const admin = container(env).env.filter((e: Any) => e.name.startsWith("GF_SECURITY_ADMIN"));
      assert.deepEqual(admin, [
        { name: "GF_SECURITY_ADMIN_USER", valueFrom: { secretKeyRef: { name: "grafana-admin", key: "admin-user" } } },
        { name: "GF_SECURITY_ADMIN_PASSWORD", valueFrom: { secretKeyRef: { name: "grafana-admin", key: "admin-password" } } },
      ]);
      assert.doesNotMatch(JSON.stringify(objectsOf(env, "grafana")), /"value":"admin"/);
    }
  });

  it("is reachable on NodePort 30300", () => {
    const svc = find(objectsOf("local", "grafana"), "Service", "grafana") as Any;
    assert.equal(svc.spec.type, "NodePort");
    assert.equal(svc.spec.ports[0].nodePort, 30300);
  });

  it("links the datasources: exemplars → Tempo, logs → Tempo, traces → logs, metrics, service map, node graph", () => {
    for (const env of ENVS) {
      const prom = byType(env, "prometheus");
      const loki = byType(env, "loki");
      const tempo = byType(env, "tempo");
      assert.equal(prom.url, "http://prometheus.observability.svc:9090");
      assert.equal(loki.url, "http://loki.observability.svc:3100");
      assert.equal(tempo.url, "http://tempo.observability.svc:3200");
      assert.deepEqual(
        prom.jsonData.exemplarTraceIdDestinations.map((d: Any) => [d.name, d.datasourceUid]),
        [
          ["traceID", "tempo"],
          ["trace_id", "tempo"],
        ],
      );
      const derived = loki.jsonData.derivedFields[0];
      assert.deepEqual([derived.matcherType, derived.matcherRegex, derived.datasourceUid], ["label", "trace_id", "tempo"]);
      assert.equal(tempo.jsonData.tracesToLogsV2.datasourceUid, "loki");
      assert.equal(tempo.jsonData.tracesToLogsV2.filterByTraceID, true);
      assert.equal(tempo.jsonData.tracesToMetrics.datasourceUid, "prometheus");
      assert.equal(tempo.jsonData.serviceMap.datasourceUid, "prometheus");
      assert.equal(tempo.jsonData.nodeGraph.enabled, true);
    }
  });

  it("escapes Grafana's own template variables from provisioning's env expansion", () => {
    const text = dataOf(objectsOf("local", "grafana"), "grafana-datasources", "datasources.yaml");
    assert.match(text, /\$\$\{__value\.raw\}/);
    assert.match(text, /\{\$\$__tags\}/);
    // No single-$ reference Grafana would try to expand from its environment.
    assert.doesNotMatch(text.replaceAll("$$", ""), /\$/);
  });

  it("provisions the dashboards kindling writes, read-only, and rolls the pod when provisioning changes", () => {
    const objects = objectsOf("local", "grafana");
    const provider = parse(dataOf(objects, "grafana-dashboard-provider", "kindling.yaml"));
    assert.equal(provider.providers[0].options.path, "/var/lib/grafana/dashboards/kindling");
    assert.equal(provider.providers[0].allowUiUpdates, false);
    const files = find(objects, "ConfigMap", "grafana-dashboards").data as Record<string, string>;
    assert.deepEqual(Object.keys(files).sort(), ["collector-pipeline.json", "platform-overview.json"]);
    const deployment = find(objects, "Deployment", "grafana") as Any;
    assert.match(deployment.spec.template.metadata.annotations["kindling.dev/config-hash"], /^[0-9a-f]{16}$/);
    for (const env of ENVS) assert.equal(assertRestrictedWorkloads(objectsOf(env, "grafana")), 1);
  });
});
