import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../../../src/model/k8s.ts";
import { CHART_EXCEPTIONS } from "../../../src/policy/chart-exceptions.ts";
import { PRIVILEGED_WORKLOADS } from "../../../src/policy/privileged.ts";
import { SECURITY_RULES } from "../../../src/policy/security.ts";
import { chartOfSource, describeChartFindings, securityReport, unknownPrivileges } from "../../../src/policy/security-gate.ts";

const daemonSet = (name: string, namespace: string, container: Record<string, unknown>): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name, namespace },
  spec: { template: { spec: { hostNetwork: true, containers: [container] } } },
});
const sized = { requests: { cpu: "1m", memory: "1Mi" }, limits: { cpu: "1", memory: "1Gi" } };
const locked = {
  runAsNonRoot: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

describe("securityReport", () => {
  const agent = daemonSet("cilium", "kube-system", { name: "agent", resources: sized, securityContext: locked });

  it("fails workloads kindling writes itself and only reports chart workloads", () => {
    const report = securityReport(
      [
        { app: "mine", object: agent, source: "typed" },
        { app: "theirs", object: { ...agent, metadata: { name: "other", namespace: "x" } }, source: "chart other 1.0.0" },
      ],
      { privileged: [], chartExceptions: [] },
    );
    assert.deepEqual(
      report.errors.map((f) => `${f.app}:${f.rule}`),
      ["mine:noHostNamespaces"],
    );
    assert.deepEqual(
      report.chartFindings.map((f) => `${f.app}:${f.chart}:${f.rule}`),
      ["theirs:other:noHostNamespaces"],
    );
    assert.deepEqual(report.exempt, []);
  });

  it("exempts a privileged workload only from the rules it lists, with its reason", () => {
    const bare = daemonSet("cilium", "kube-system", { name: "agent", securityContext: locked });
    const report = securityReport([{ app: "cilium", object: bare, source: "chart cilium 1.18.0" }], {
      privileged: [
        { namespace: "kube-system", kind: "DaemonSet", name: /^cilium$/, privileges: ["noHostNamespaces"], reason: "CNI agent" },
      ],
      chartExceptions: [],
    });
    assert.deepEqual(
      report.exempt.map((f) => `${f.rule}:${f.reason}`),
      ["noHostNamespaces:CNI agent"],
    );
    assert.deepEqual(
      report.chartFindings.map((f) => f.rule),
      ["resources"],
    );
  });

  it("narrows a privileged entry to the containers it lists; pod-level findings need an entry without containers", () => {
    const pod: KubeObject = {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "agent", namespace: "kube-system" },
      spec: {
        template: {
          spec: {
            hostNetwork: true,
            initContainers: [{ name: "init", resources: sized, securityContext: { ...locked, runAsNonRoot: false } }],
            containers: [{ name: "main", resources: sized, securityContext: { ...locked, runAsNonRoot: false } }],
          },
        },
      },
    };
    const entry = { namespace: "kube-system", kind: "DaemonSet", name: "agent", reason: "needs root" };
    const report = securityReport([{ app: "x", object: pod, source: "chart x 1.0.0" }], {
      privileged: [{ ...entry, containers: ["init"], privileges: ["runAsNonRoot", "noHostNamespaces"] }],
      chartExceptions: [],
    });
    assert.deepEqual(
      report.exempt.map((f) => `${f.container}:${f.rule}`),
      ["init:runAsNonRoot"],
    );
    assert.deepEqual(
      report.chartFindings.map((f) => `${f.container ?? "pod"}:${f.rule}`),
      ["pod:noHostNamespaces", "main:runAsNonRoot"],
    );
    const whole = securityReport([{ app: "x", object: pod, source: "chart x 1.0.0" }], {
      privileged: [{ ...entry, privileges: ["runAsNonRoot", "noHostNamespaces"] }],
      chartExceptions: [],
    });
    assert.deepEqual(whole.chartFindings, []);
  });

  it("applies a chart exception only to objects of that chart and that container", () => {
    const job: KubeObject = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "hook", namespace: "a" },
      spec: {
        template: {
          spec: { containers: [{ name: "c", resources: sized, securityContext: { ...locked, readOnlyRootFilesystem: false } }] },
        },
      },
    };
    const lists = {
      privileged: [],
      chartExceptions: [
        {
          chart: "a",
          version: "1.0.0",
          template: "a/templates/hook.yaml",
          kind: "Job",
          name: "hook",
          containers: ["c"],
          rules: ["readOnlyRootFilesystem" as const],
          reason: "hard-coded",
        },
      ],
    };
    assert.equal(securityReport([{ app: "a", object: job, source: "chart a 1.0.0" }], lists).exempt.length, 1);
    assert.equal(securityReport([{ app: "b", object: job, source: "chart b 1.0.0" }], lists).chartFindings.length, 1);
    assert.equal(securityReport([{ app: "a", object: job, source: "typed" }], lists).errors.length, 1);
    const other: KubeObject = JSON.parse(JSON.stringify(job).replace('"name":"c"', '"name":"d"'));
    assert.equal(securityReport([{ app: "a", object: other, source: "chart a 1.0.0" }], lists).chartFindings.length, 1);
  });

  it("describes chart findings once per workload", () => {
    const bare = daemonSet("x", "ns", { name: "c" });
    const report = securityReport([{ app: "x", object: bare, source: "chart x 2.0.0" }], { privileged: [], chartExceptions: [] });
    const lines = describeChartFindings("local", report.chartFindings);
    assert.equal(lines.length, 1);
    assert.match(
      lines[0] ?? "",
      /^security: local\/x: DaemonSet ns\/x \(chart x\) falls short of the restricted defaults: noHostNamespaces, resources \[c\],/,
    );
  });
});

describe("exemption lists", () => {
  it("name only known rules, each with a reason", () => {
    assert.deepEqual(unknownPrivileges(), [], `unknown privilege names; allowed: ${Object.keys(SECURITY_RULES).join(", ")}`);
    assert.deepEqual(unknownPrivileges([{ namespace: "n", kind: "DaemonSet", name: "d", privileges: ["hostNetwork"], reason: "r" }]), [
      "n/DaemonSet/d: hostNetwork",
    ]);
    for (const p of PRIVILEGED_WORKLOADS) {
      assert.ok(p.reason.trim().length > 10, `privileged ${String(p.name)} needs a reason`);
      assert.ok(!p.reason.includes("\n"), `privileged ${String(p.name)}: the reason is one line`);
      assert.notDeepEqual(p.containers, [], `privileged ${String(p.name)}: an empty container list exempts nothing`);
    }
    for (const e of CHART_EXCEPTIONS) {
      assert.ok(e.reason.trim().length > 10, `chart exception ${e.chart}/${String(e.name)} needs a reason`);
      assert.ok(!e.reason.includes("\n"), `chart exception ${e.chart}/${String(e.name)}: the reason is one line`);
      assert.match(e.version, /^v?\d+\.\d+\.\d+/, `chart exception ${e.chart}/${String(e.name)}: the chart version checked`);
      assert.match(e.template, /^[^/]+\/templates\/.+/, `chart exception ${e.chart}/${String(e.name)}: the template that hard-codes it`);
      assert.notDeepEqual(e.containers, [], `chart exception ${e.chart}/${String(e.name)}: an empty container list exempts nothing`);
      for (const r of e.rules) assert.ok(r in SECURITY_RULES, `chart exception ${e.chart}/${String(e.name)}: unknown rule ${r}`);
    }
  });

  it("parses the chart name out of a source", () => {
    assert.equal(chartOfSource("chart traefik 41.3.0"), "traefik");
    assert.equal(chartOfSource("chart cilium, cilium/templates/cilium-agent/daemonset.yaml"), "cilium");
    assert.equal(chartOfSource("typed"), undefined);
  });
});
