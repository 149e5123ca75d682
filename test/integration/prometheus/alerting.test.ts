/**
 * A real Prometheus and a real Alertmanager, on loopback, started with the
 * flags and config files kindling renders: Prometheus loads every rule group,
 * and the always-firing Watchdog alert travels to Alertmanager and is routed
 * as the rendered routing tree says. Only addresses, the evaluation
 * interval and the alert resend delay (for speed) differ from the cluster.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parse, stringify } from "yaml";
import type { KubeObject } from "../../../src/model/k8s.ts";
import { requireTool } from "../../helpers/tools.ts";
import { freePort, getJson, type Running, start, stop, waitFor } from "../otel/processes.ts";
import { renderedObjects } from "../otel/rendered.ts";
import { RULE_FILE, writeAlertmanagerConfig, writePrometheusFiles } from "./files.ts";

const ENV = "local";
const STARTUP_MS = 30_000;

/** The container args of a rendered StatefulSet, with in-pod paths swapped for the test's. */
function renderedArgs(app: string, swap: Record<string, string>): string[] {
  const sts = renderedObjects(ENV, app).find((o) => o.kind === "StatefulSet") as KubeObject;
  // biome-ignore lint/suspicious/noExplicitAny: walking a rendered object
  const args = ((sts.spec as any).template.spec.containers[0].args as string[]) ?? [];
  return args.map((a) => {
    const flag = a.split("=")[0] as string;
    return flag in swap ? `${flag}=${swap[flag]}` : a;
  });
}

/** The tag of the image a rendered StatefulSet runs. */
function imageTag(app: string): string | undefined {
  const sts = renderedObjects(ENV, app).find((o) => o.kind === "StatefulSet") as KubeObject;
  // biome-ignore lint/suspicious/noExplicitAny: walking a rendered object
  return ((sts.spec as any).template.spec.containers[0].image as string).split(":").pop();
}

interface RuleGroups {
  data: { groups: { name: string; rules: { name: string; health: string }[] }[] };
}
interface AmAlert {
  labels: Record<string, string>;
  receivers: { name: string }[];
}

test("a real Prometheus and Alertmanager run what kindling renders, and Watchdog goes from one to the other", async (t) => {
  const prometheusBin = requireTool(t, "prometheus");
  const alertmanagerBin = requireTool(t, "alertmanager");
  if (!prometheusBin || !alertmanagerBin) return;
  const dir = mkdtempSync(join(tmpdir(), "kindling-alerting-"));
  const procs: Running[] = [];
  t.after(async () => {
    await Promise.all(procs.map((p) => stop(p)));
    rmSync(dir, { recursive: true, force: true });
  });
  const [promPort, amPort] = [await freePort(), await freePort()];

  const amConfig = writeAlertmanagerConfig(ENV, dir);
  const amArgs = renderedArgs("alertmanager", { "--config.file": amConfig, "--storage.path": join(dir, "am-data") });
  procs.push(start("alertmanager", alertmanagerBin, [...amArgs, `--web.listen-address=127.0.0.1:${amPort}`]));

  // The rendered config, with Alertmanager found on loopback instead of through the cluster's DNS.
  const configPath = writePrometheusFiles(ENV, join(dir, "prometheus"));
  const config = parse(readFileSync(configPath, "utf8"));
  assert.ok(config.alerting, "the rendered Prometheus config sends alerts to Alertmanager");
  config.alerting.alertmanagers = [{ static_configs: [{ targets: [`127.0.0.1:${amPort}`] }] }];
  config.global.evaluation_interval = "1s";
  writeFileSync(configPath, stringify(config));
  const promArgs = renderedArgs("prometheus", { "--config.file": configPath, "--storage.tsdb.path": join(dir, "tsdb") });
  // Resend at once: an alert evaluated before Alertmanager is discovered is otherwise resent only after a minute.
  const timing = ["--rules.alert.resend-delay=1s"];
  procs.push(start("prometheus", prometheusBin, [...promArgs, ...timing, `--web.listen-address=127.0.0.1:${promPort}`]));

  const ok = async (url: string) => ((await fetch(url, { signal: AbortSignal.timeout(2000) })).ok ? true : undefined);
  await waitFor("Alertmanager ready", () => ok(`http://127.0.0.1:${amPort}/-/ready`), STARTUP_MS, procs);
  await waitFor("Prometheus ready", () => ok(`http://127.0.0.1:${promPort}/-/ready`), STARTUP_MS, procs);

  await t.test("Prometheus runs with the remote-write receiver and exemplar storage flags", async () => {
    const flags = (await getJson(`http://127.0.0.1:${promPort}/api/v1/status/flags`)) as { data: Record<string, string> };
    assert.equal(flags.data["web.enable-remote-write-receiver"], "true");
    assert.match(flags.data["enable-feature"] ?? "", /exemplar-storage/);
  });

  await t.test("Prometheus takes its retention from the rendered config file (not the deprecated flag)", async () => {
    const info = (await getJson(`http://127.0.0.1:${promPort}/api/v1/status/runtimeinfo`)) as { data: { storageRetention: string } };
    assert.equal(info.data.storageRetention, config.storage.tsdb.retention.time);
    assert.equal(info.data.storageRetention, "1d");
  });

  await t.test("Prometheus is the version the platform deploys", async () => {
    const build = (await getJson(`http://127.0.0.1:${promPort}/api/v1/status/buildinfo`)) as { data: { version: string } };
    assert.equal(`v${build.data.version}`, imageTag("prometheus"));
  });

  await t.test("Alertmanager is the version the platform deploys", async () => {
    const status = (await getJson(`http://127.0.0.1:${amPort}/api/v2/status`)) as { versionInfo: { version: string } };
    assert.equal(`v${status.versionInfo.version}`, imageTag("alertmanager"));
  });

  await t.test("Prometheus loads every rendered rule group and rule", async () => {
    const rendered = parse(readFileSync(join(dir, "prometheus", "rules", RULE_FILE), "utf8")) as {
      groups: { name: string; rules: { alert: string }[] }[];
    };
    const loaded = (await getJson(`http://127.0.0.1:${promPort}/api/v1/rules`)) as RuleGroups;
    // The API lists groups by name; the rules within a group keep their order.
    const byName = (a: [string, string[]], b: [string, string[]]) => a[0].localeCompare(b[0]);
    assert.deepEqual(
      loaded.data.groups.map((g): [string, string[]] => [g.name, g.rules.map((r) => r.name)]).sort(byName),
      rendered.groups.map((g): [string, string[]] => [g.name, g.rules.map((r) => r.alert)]).sort(byName),
    );
  });

  await t.test("Watchdog fires, reaches Alertmanager and is routed to the null receiver", async () => {
    const watchdog = await waitFor(
      "Watchdog in Alertmanager",
      async () => {
        const alerts = (await getJson(`http://127.0.0.1:${amPort}/api/v2/alerts`)) as AmAlert[] | undefined;
        return alerts?.find((a) => a.labels.alertname === "Watchdog");
      },
      STARTUP_MS,
      procs,
    );
    assert.equal(watchdog.labels.environment, ENV, "external label from the rendered config");
    assert.deepEqual(
      watchdog.receivers.map((r) => r.name),
      ["null"],
    );
  });
});
