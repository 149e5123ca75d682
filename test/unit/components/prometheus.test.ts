import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parse } from "yaml";
import platform from "../../../kindling.config.ts";
import { platformRuleGroups } from "../../../src/components/lib/prometheus-rules.ts";
import { type PrometheusOptions, prometheus, prometheusFiles } from "../../../src/components/prometheus.ts";
import { resolveEnvironment } from "../../../src/config/resolve.ts";
import type { KubeObject } from "../../../src/model/k8s.ts";
import { componentsToApps } from "../../../src/render/components-to-apps.ts";
import { assertRestricted, contextWith, find, type Loose, podSpec, resolveOptions } from "./otel-helpers.ts";

const resolve = (overrides: unknown = {}, env = "local") => resolveOptions<PrometheusOptions>(prometheus, overrides, env);
const options = resolve().options;
const everything = {
  "otel-collector": { namespace: "observability" },
  alertmanager: { namespace: "observability" },
  postgresql: { namespace: "data", credentialsSecret: "postgresql-credentials" },
};
const configOf = (present: Record<string, unknown>): Loose => parse(prometheusFiles(contextWith(present), options).config);
const rulesOf = (present: Record<string, unknown>): Loose => parse(prometheusFiles(contextWith(present), options).rules);

describe("prometheus options", () => {
  it("defaults are valid in every environment and claim NodePort 30090", () => {
    for (const env of ["local", "staging", "prod"]) assert.deepEqual(resolve({}, env).issues, []);
    assert.deepEqual(prometheus.nodePorts?.(options), [{ port: 30090, option: "nodePort" }]);
  });

  it("rejects a retention that is not a Prometheus duration", () => {
    assert.match(resolve({ retention: "2 days" }).issues[0]?.message ?? "", /a Prometheus duration such as "30s", "2h" or "7d"/);
  });
});

describe("prometheus server", () => {
  const objects = prometheus.render(contextWith(), options)[0]?.objects ?? [];
  const sts = find(objects, "StatefulSet", "prometheus");

  it("runs with the remote-write receiver, exemplar storage and the retention option", () => {
    const args = podSpec(sts).containers[0].args as string[];
    assert.ok(args.includes("--web.enable-remote-write-receiver"));
    assert.ok(args.includes("--enable-feature=exemplar-storage"));
    // Retention is a config field in Prometheus 3 (the flag is deprecated), so it is not a flag here.
    assert.ok(!args.some((a) => a.startsWith("--storage.tsdb.retention")), args.join(" "));
    assert.deepEqual(configOf({}).storage.tsdb, { retention: { time: "1d" } });
    assert.equal(parse(prometheusFiles(contextWith({}, "prod"), resolve({}, "prod").options).config).storage.tsdb.retention.time, "7d");
    assert.equal(configOf({}).storage.exemplars.max_exemplars, 100000);
  });

  it("runs the version that scripts/tools/install.sh builds promtool and prometheus at (what checks its config)", () => {
    const versions = readFileSync(new URL("../../../scripts/tools/versions.env", import.meta.url), "utf8");
    const tag = options.image.split(":").pop();
    assert.match(versions, new RegExp(`^PROMETHEUS_VERSION=${tag}$`, "m"));
  });

  it("is reachable from the host on NodePort 30090", () => {
    const svc = find(objects, "Service", "prometheus").spec as Loose;
    assert.equal(svc.type, "NodePort");
    assert.deepEqual(svc.ports, [{ name: "http", port: 9090, targetPort: "http", nodePort: 30090, protocol: "TCP" }]);
  });

  it("runs restricted, without a service account token (discovery is DNS only)", () => {
    assertRestricted(sts);
    assert.equal(podSpec(sts).automountServiceAccountToken, false);
    assert.ok(!objects.some((o) => o.kind.includes("Role") || o.kind === "ServiceAccount"));
  });

  it("lays out prometheus.yml and rules/ as rule_files expects, in one projected volume", () => {
    const volume = podSpec(sts).volumes.find((v: Loose) => v.name === "config");
    const paths = volume.projected.sources.map((s: Loose) => s.configMap.items?.[0]?.path ?? s.configMap.name);
    assert.deepEqual(paths, ["prometheus", "rules/platform.yaml"]);
    assert.deepEqual(configOf({}).rule_files, ["rules/*.yaml"]);
    assert.deepEqual(podSpec(sts).containers[0].volumeMounts[0], { name: "config", mountPath: "/etc/prometheus", readOnly: true });
  });
});

describe("prometheus scrape targets and rules follow what is present", () => {
  it("alone: scrapes itself, no alerting, only its own rules", () => {
    const c = configOf({});
    assert.deepEqual(
      c.scrape_configs.map((s: Loose) => s.job_name),
      ["prometheus"],
    );
    assert.equal(c.alerting, undefined);
    assert.deepEqual(
      rulesOf({}).groups.map((g: Loose) => g.name),
      ["kindling.prometheus"],
    );
  });

  it("with the platform: one DNS-discovered job per service, labelled with its namespace; alerts to every Alertmanager replica", () => {
    const c = configOf(everything);
    assert.deepEqual(
      c.scrape_configs.map((s: Loose) => s.job_name),
      ["prometheus", "otel-collector", "alertmanager", "postgres-exporter"],
    );
    const pg = c.scrape_configs.find((s: Loose) => s.job_name === "postgres-exporter");
    assert.deepEqual(pg.dns_sd_configs, [{ names: ["postgres-exporter.data.svc.cluster.local"], type: "A", port: 9187 }]);
    assert.deepEqual(pg.relabel_configs, [{ target_label: "namespace", replacement: "data" }]);
    assert.deepEqual(c.alerting.alertmanagers[0].dns_sd_configs, [
      { names: ["alertmanager-headless.observability.svc.cluster.local"], type: "A", port: 9093 },
    ]);
    assert.deepEqual(c.global.external_labels, { environment: "local" });
    const groups = rulesOf(everything).groups.map((g: Loose) => g.name);
    assert.deepEqual(groups, ["kindling.prometheus", "kindling.otel-collector", "kindling.telemetry-delivery", "kindling.postgresql"]);
  });

  it("deploys postgres-exporter next to PostgreSQL, reading the superuser password from its Secret", () => {
    const apps = prometheus.render(contextWith(everything), options);
    const exporter = apps.find((a) => a.name === "postgres-exporter");
    assert.equal(exporter?.namespace, "data");
    assert.deepEqual(exporter?.dependsOn, ["postgresql"]);
    const d = find(exporter?.objects, "Deployment", "postgres-exporter");
    assertRestricted(d);
    const env = podSpec(d).containers[0].env;
    assert.deepEqual(env.find((e: Loose) => e.name === "DATA_SOURCE_PASS").valueFrom, {
      secretKeyRef: { name: "postgresql-credentials", key: "postgres-password" },
    });
    assert.equal((find(exporter?.objects, "Service", "postgres-exporter").spec as Loose).clusterIP, "None");
    assert.equal(prometheus.render(contextWith({}), options).length, 1);
  });

  it("every rule says what is wrong: a severity, a summary and a description, and a `for` unless it must fire at once", () => {
    for (const g of platformRuleGroups({ collector: true, alertmanager: true, postgresql: true })) {
      for (const r of g.rules) {
        assert.ok(r.summary && r.description, r.alert);
        assert.ok(r.for || r.alert === "Watchdog", `${r.alert} has no for:`);
      }
    }
  });
});

describe("prometheus in the reference platform", () => {
  // Every DNS name Prometheus scrapes must be a Service that the platform renders, on that port.
  for (const env of ["local", "staging", "prod"]) {
    it(`${env}: every scrape target is a rendered Service with that port, selecting pods named after the job`, () => {
      const resolved = resolveEnvironment(platform, env, { file: "kindling.config.ts" });
      const apps = componentsToApps(resolved);
      const services = apps.flatMap((a) =>
        (a.objects ?? []).filter((o) => o.kind === "Service").map((o) => ({ o, ns: o.metadata.namespace ?? a.namespace })),
      );
      const cm = find(apps.find((a) => a.name === "prometheus")?.objects, "ConfigMap", "prometheus");
      const config = parse((cm.data as Loose)["prometheus.yml"]);
      const jobs = config.scrape_configs.filter((s: Loose) => s.dns_sd_configs);
      assert.ok(jobs.length >= 3, "the reference platform has services to scrape");
      for (const job of jobs) {
        const { names, port } = job.dns_sd_configs[0];
        const [name, ns] = (names[0] as string).split(".");
        const svc = services.find((s) => s.o.metadata.name === name && s.ns === ns);
        assert.ok(svc, `${names[0]}: no Service ${name} in namespace ${ns}`);
        const spec = (svc.o as KubeObject).spec as Loose;
        assert.ok(
          spec.ports.some((p: Loose) => p.port === port),
          `${names[0]}: no port ${port}`,
        );
        // Network policy opens the scrape port to pods labelled with the job's name (network-policy.ts).
        assert.equal(spec.selector["app.kubernetes.io/name"], job.job_name, `${names[0]} selects pods named after job ${job.job_name}`);
      }
    });
  }
});
