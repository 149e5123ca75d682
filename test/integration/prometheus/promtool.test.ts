/**
 * The real promtool and amtool on what kindling renders: the Prometheus
 * config with its rule files, the rules' unit tests, the Alertmanager config
 * and its routing, for every environment of the reference platform.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { alertmanager, alertmanagerYaml } from "../../../src/components/alertmanager.ts";
import { platformRuleGroups } from "../../../src/components/lib/prometheus-rules.ts";
import { requireTool } from "../../helpers/tools.ts";
import { run } from "../otel/processes.ts";
import { ENVIRONMENTS } from "../otel/rendered.ts";
import { writeAlertmanagerConfig, writeAllRules, writePrometheusFiles } from "./files.ts";

const FIXTURES = new URL("../../fixtures/prometheus/", import.meta.url).pathname;
const unitTests = readdirSync(FIXTURES).filter((f) => f.endsWith(".test.yaml"));

test("promtool and amtool accept what kindling renders for Prometheus and Alertmanager", async (t) => {
  const promtool = requireTool(t, "promtool");
  const amtool = requireTool(t, "amtool");
  if (!promtool || !amtool) return;
  const dir = mkdtempSync(join(tmpdir(), "kindling-promtool-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));

  await t.test("promtool check config: prometheus.yml and the rule files it names, in every environment", async () => {
    for (const env of ENVIRONMENTS) {
      const out = await run(promtool, ["check", "config", writePrometheusFiles(env, join(dir, env))]);
      // The rule file is found through rule_files (a path relative to prometheus.yml) and checked too.
      assert.match(out, /SUCCESS: 1 rule files found/, env);
      assert.match(out, /SUCCESS: \d+ rules found/, env);
    }
  });

  await t.test("promtool test rules: the rule unit tests in test/fixtures/prometheus", async () => {
    const unit = join(dir, "unit");
    writeAllRules(unit);
    for (const f of unitTests) copyFileSync(join(FIXTURES, f), join(unit, f));
    const out = await run(promtool, ["test", "rules", ...unitTests.map((f) => join(unit, f))]);
    assert.equal(out.match(/SUCCESS/g)?.length, unitTests.length, out);
  });

  await t.test("every alert rule is exercised by a unit test", () => {
    const tested = new Set<string>();
    for (const f of unitTests) {
      const doc = parse(readFileSync(join(FIXTURES, f), "utf8")) as { tests: { alert_rule_test?: { alertname: string }[] }[] };
      for (const tc of doc.tests) for (const a of tc.alert_rule_test ?? []) tested.add(a.alertname);
    }
    const all = platformRuleGroups({ collector: true, alertmanager: true, postgresql: true }).flatMap((g) => g.rules.map((r) => r.alert));
    assert.deepEqual(
      all.filter((a) => !tested.has(a)),
      [],
      "alerts without a promtool unit test",
    );
  });

  await t.test("amtool check-config: alertmanager.yml of every environment, and with a webhook receiver", async () => {
    for (const env of ENVIRONMENTS) await run(amtool, ["check-config", writeAlertmanagerConfig(env, dir)]);
    const withWebhook = join(dir, "alertmanager-webhook.yml");
    const options = { ...alertmanager.defaults({ env: "prod", profile: "full" }), webhookUrl: "https://hooks.example.com/alerts" };
    writeFileSync(withWebhook, alertmanagerYaml(options));
    const out = await run(amtool, ["check-config", withWebhook]);
    assert.match(out, /SUCCESS/);
  });

  await t.test("amtool config routes test: Watchdog goes to no one, real alerts to the default receiver", async () => {
    const config = writeAlertmanagerConfig("prod", dir);
    // The receiver is the last line (amtool may print a warning about flags first).
    const route = async (...labels: string[]) =>
      (await run(amtool, ["config", "routes", "test", `--config.file=${config}`, ...labels])).trim().split("\n").pop();
    assert.equal(await route("alertname=Watchdog", "severity=none"), "null");
    assert.equal(await route("alertname=LokiNotIngesting", "severity=critical"), "default");
    assert.equal(await route("alertname=TargetDown", "severity=warning", "job=tempo"), "default");
  });
});
