/** The cilium component through the real helm on the pinned chart (1.18.3): the settings land where Cilium reads them. */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it, type TestContext } from "node:test";
import { CILIUM_APP } from "../../../src/components/cilium.ts";
import type { ChartInput } from "../../../src/components/types.ts";
import type { KubeObject } from "../../../src/model/k8s.ts";
import { PRIVILEGED_WORKLOADS } from "../../../src/policy/privileged.ts";
import { securityReport } from "../../../src/policy/security-gate.ts";
import { createValidator } from "../../../src/validate/index.ts";
import { requireTool } from "../../helpers/tools.ts";
import { app, appsOf } from "../../unit/components/profiles-environment.ts";
import { chartDefaultValues, find, offlineChartSources, renderPinnedChart, unknownValuePaths } from "./pinned-chart.ts";

const ciliumApp = app(appsOf("full"), CILIUM_APP);
const chartInput = ciliumApp.charts?.[0] as ChartInput;

let rendered: Promise<KubeObject[] | undefined> | undefined;
function render(t: TestContext) {
  rendered ??= renderPinnedChart(t, chartInput, ciliumApp.namespace);
  return rendered.then((objects) => {
    if (!objects) t.skip("the chart is not available offline; see the first test's skip reason");
    return objects;
  });
}
const config = (objects: KubeObject[]) => find(objects, "ConfigMap", "cilium-config").data as Record<string, string>;

describe("cilium chart 1.18.3 with kindling's values (real helm)", () => {
  it("knows every value key we set, except one the templates read but values.yaml only documents in a comment", async (t) => {
    const helm = requireTool(t, "helm");
    if (!helm) return;
    const found = await offlineChartSources(chartInput);
    if ("missing" in found) return t.skip(found.missing);
    // Passed through whole with toYaml (their effect shows in the security test below).
    const freeForm = [
      "cni.resources",
      "hubble.relay.securityContext",
      "hubble.ui.securityContext",
      "hubble.ui.frontend.securityContext",
      "hubble.ui.backend.securityContext",
      "operator.podSecurityContext",
      "operator.securityContext",
    ];
    // socketLB.hostNamespaceOnly: templates/cilium-configmap.yaml reads it (`hasKey $socketLB "hostNamespaceOnly"`);
    // values.yaml has it commented out. Its effect is checked in the next test.
    assert.deepEqual(unknownValuePaths(chartInput.values, chartDefaultValues(helm, found.archive), freeForm), [
      "socketLB.hostNamespaceOnly",
    ]);
  });

  it("configures Cilium to run under Istio ambient: non-exclusive CNI, host-namespace-only socket LB, no BPF masquerade", async (t) => {
    const objects = await render(t);
    if (!objects) return;
    const data = config(objects);
    assert.equal(data["cni-exclusive"], "false");
    assert.equal(data["bpf-lb-sock-hostns-only"], "true");
    assert.equal(data["enable-bpf-masquerade"], "false");
  });

  it("keeps kube-proxy, uses Kind's pod CIDRs, runs no L7 proxy", async (t) => {
    const objects = await render(t);
    if (!objects) return;
    const data = config(objects);
    assert.equal(data["kube-proxy-replacement"], "false");
    assert.equal(data.ipam, "kubernetes");
    assert.equal(data["enable-l7-proxy"], "false");
    assert.equal(
      objects.some((o) => o.kind === "DaemonSet" && o.metadata.name === "cilium-envoy"),
      false,
    );
  });

  it("serves the Hubble UI on NodePort 31235, with the relay behind it, and one operator", async (t) => {
    const objects = await render(t);
    if (!objects) return;
    const ui = find(objects, "Service", "hubble-ui").spec as { type: string; ports: { nodePort?: number }[] };
    assert.equal(ui.type, "NodePort");
    assert.equal(ui.ports[0]?.nodePort, 31235);
    find(objects, "Deployment", "hubble-relay");
    find(objects, "Deployment", "hubble-ui");
    assert.equal((find(objects, "Deployment", "cilium-operator").spec as { replicas: number }).replicas, 1);
    assert.equal(config(objects)["enable-hubble"], "true");
  });

  it("pins every image by digest", async (t) => {
    const objects = await render(t);
    if (!objects) return;
    const images = JSON.stringify(objects).match(/"image":"[^"]+"/g) ?? [];
    assert.ok(images.length > 0);
    for (const image of images) assert.match(image, /@sha256:[0-9a-f]{64}"$/, image);
  });

  it("renders the same bytes twice (Hubble certificates are made in the cluster, not at render time)", async (t) => {
    const helm = requireTool(t, "helm");
    if (!helm) return;
    const found = await offlineChartSources(chartInput);
    if ("missing" in found) return t.skip(found.missing);
    const once = () =>
      execFileSync(helm, ["template", "cilium", found.archive, "-n", "kube-system", "--values", "-"], {
        input: JSON.stringify(chartInput.values),
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
      });
    assert.equal(once(), once());
  });

  it("renders only objects that pass schema validation", async (t) => {
    const objects = await render(t);
    if (!objects) return;
    const validator = await createValidator(objects);
    for (const o of objects) assert.deepEqual(validator.validate(o), [], `${o.kind} ${o.metadata.name}`);
  });

  it("needs privileges only where src/policy/privileged.ts says why; the rest is set through values or documented", async (t) => {
    const objects = await render(t);
    if (!objects) return;
    const report = securityReport(objects.map((object) => ({ app: CILIUM_APP, object, source: "chart cilium 1.18.3" })));
    assert.deepEqual(report.errors, []);
    assert.deepEqual(report.chartFindings, []);
    for (const entry of PRIVILEGED_WORKLOADS.filter((p) => p.namespace === "kube-system")) {
      for (const privilege of entry.privileges) {
        for (const container of entry.containers ?? [undefined]) {
          const used = report.exempt.some(
            (f) =>
              f.kind === entry.kind &&
              f.name === entry.name &&
              f.rule === privilege &&
              (container === undefined || f.container === container),
          );
          assert.ok(used, `${entry.name} [${container ?? "pod"}]: ${privilege} is listed but never needed`);
        }
      }
    }
    // The one container without resources is certgen: the 1.18.3 job template mis-indents certgen.resources.
    const unsized = report.exempt.filter((f) => f.rule === "resources").map((f) => `${f.kind}/${f.name}/${f.container}`);
    assert.deepEqual(unsized.sort(), ["CronJob/hubble-generate-certs/certgen", "Job/hubble-generate-certs/certgen"]);
  });

  it("runs the operator non-root on a read-only root filesystem, with gops writing to an emptyDir", async (t) => {
    const objects = await render(t);
    if (!objects) return;
    type Pod = {
      securityContext: Record<string, unknown>;
      containers: {
        securityContext: Record<string, unknown>;
        env: { name: string; value?: string }[];
        volumeMounts: { name: string; mountPath: string }[];
      }[];
      volumes: { name: string; emptyDir?: unknown }[];
    };
    const pod = (find(objects, "Deployment", "cilium-operator").spec as { template: { spec: Pod } }).template.spec;
    const [operator] = pod.containers;
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(pod.securityContext.runAsUser, 65532);
    assert.equal(operator?.securityContext.readOnlyRootFilesystem, true);
    const gopsDir = operator?.env.find((e) => e.name === "GOPS_CONFIG_DIR")?.value;
    const mount = operator?.volumeMounts.find((m) => m.mountPath === gopsDir);
    assert.ok(mount, `GOPS_CONFIG_DIR ${gopsDir} is not a mounted volume`);
    assert.ok(pod.volumes.find((v) => v.name === mount.name)?.emptyDir);
    // The relay runs read-only too: its gops agent, which would write into the root filesystem, is off.
    assert.match((find(objects, "ConfigMap", "hubble-relay-config").data as Record<string, string>)["config.yaml"] ?? "", /^gops: false$/m);
  });
});
