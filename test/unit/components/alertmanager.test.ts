import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { type AlertmanagerOptions, alertmanager, alertmanagerYaml } from "../../../src/components/alertmanager.ts";
import { assertRestricted, contextWith, find, type Loose, podSpec, resolveOptions } from "./otel-helpers.ts";

const resolve = (overrides: unknown = {}, env = "local") => resolveOptions<AlertmanagerOptions>(alertmanager, overrides, env);
const render = (overrides: unknown = {}, env = "local") =>
  alertmanager.render(contextWith({}, env), resolve(overrides, env).options)[0]?.objects ?? [];
const args = (objects = render()): string[] => podSpec(find(objects, "StatefulSet", "alertmanager")).containers[0].args;

describe("alertmanager", () => {
  it("defaults are valid in every environment and claim NodePort 30093", () => {
    for (const env of ["local", "staging", "prod"]) assert.deepEqual(resolve({}, env).issues, []);
    assert.deepEqual(alertmanager.nodePorts?.(resolve().options), [{ port: 30093, option: "nodePort" }]);
    const svc = find(render(), "Service", "alertmanager").spec as Loose;
    assert.equal(svc.type, "NodePort");
    assert.equal(svc.ports[0].nodePort, 30093);
  });

  it("runs the version that scripts/tools/install.sh builds alertmanager and amtool at (what checks its config)", () => {
    const versions = readFileSync(new URL("../../../scripts/tools/versions.env", import.meta.url), "utf8");
    const tag = resolve().options.image.split(":").pop();
    assert.match(versions, new RegExp(`^ALERTMANAGER_VERSION=${tag}$`, "m"));
  });

  it("one replica: clustering off", () => {
    assert.ok(args().includes("--cluster.listen-address="));
    assert.ok(!args().some((a) => a.startsWith("--cluster.peer")));
  });

  it("several replicas: a gossip cluster over the headless Service's stable pod names", () => {
    const a = args(render({ replicas: 3 }));
    assert.ok(a.includes("--cluster.listen-address=0.0.0.0:9094"));
    assert.ok(a.includes("--cluster.advertise-address=$(POD_IP):9094"));
    assert.deepEqual(
      a.filter((x) => x.startsWith("--cluster.peer=")),
      [0, 1, 2].map((i) => `--cluster.peer=alertmanager-${i}.alertmanager-headless.observability.svc:9094`),
    );
    const headless = find(render({ replicas: 3 }), "Service", "alertmanager-headless").spec as Loose;
    assert.equal(headless.clusterIP, "None");
    assert.equal(headless.publishNotReadyAddresses, true);
  });

  it("routes Watchdog to no one, everything else to the default receiver; critical inhibits warning", () => {
    const c = parse(alertmanagerYaml(resolve().options));
    assert.equal(c.route.receiver, "default");
    assert.deepEqual(c.route.routes, [{ receiver: "null", matchers: ['alertname="Watchdog"'] }]);
    assert.deepEqual(c.receivers, [{ name: "default" }, { name: "null" }]);
    assert.deepEqual(c.inhibit_rules[0].source_matchers, ['severity="critical"']);
    assert.equal(c.route.repeat_interval, "12h");
    assert.equal(parse(alertmanagerYaml(resolve({}, "prod").options)).route.repeat_interval, "4h");
  });

  it("sends to a webhook when one is configured", () => {
    const c = parse(alertmanagerYaml(resolve({ webhookUrl: "https://hooks.example.com/a" }).options));
    assert.deepEqual(c.receivers[0], { name: "default", webhook_configs: [{ url: "https://hooks.example.com/a", send_resolved: true }] });
    assert.match(resolve({ webhookUrl: "hooks.example.com" }).issues[0]?.message ?? "", /an http\(s\) URL/);
  });

  it("runs restricted and sized, with its config hash on the pods", () => {
    const sts = find(render(), "StatefulSet", "alertmanager");
    assertRestricted(sts);
    assert.match((sts.spec as Loose).template.metadata.annotations["kindling.dev/config-hash"], /^[0-9a-f]{16}$/);
  });
});
