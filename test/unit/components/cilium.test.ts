/** The values the cilium component passes to the chart: what issue 3 names, checked without helm. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CILIUM_APP, cilium, ciliumChart } from "../../../src/components/cilium.ts";
import { app, appsOf } from "./profiles-environment.ts";

// biome-ignore lint/suspicious/noExplicitAny: chart values are free-form JSON
type Values = Record<string, any>;
const valuesOf = (components: Record<string, unknown> = {}) => {
  const a = app(appsOf("cilium", components), CILIUM_APP);
  assert.equal(a.charts?.length, 1);
  assert.equal(a.charts?.[0]?.chart, ciliumChart);
  return a.charts?.[0]?.values as Values;
};

describe("cilium component", () => {
  it("runs in the cilium and full profiles, on the pinned chart", () => {
    assert.deepEqual(cilium.profiles, ["cilium", "full"]);
    assert.deepEqual(ciliumChart, { name: "cilium", repository: "https://helm.cilium.io", chart: "cilium", version: "1.18.3" });
    assert.equal(
      appsOf("dev-fast").some((a) => a.name === CILIUM_APP),
      false,
    );
    assert.equal(app(appsOf("full"), CILIUM_APP).namespace, "kube-system");
  });

  it("sets what lets Cilium and Istio ambient run together", () => {
    const v = valuesOf();
    assert.equal(v.cni.exclusive, false);
    assert.equal(v.socketLB.hostNamespaceOnly, true);
    assert.equal(v.bpf.masquerade, false);
  });

  it("keeps kube-proxy by default, and wires the API server address when replacing it", () => {
    const kept = valuesOf();
    assert.equal(kept.kubeProxyReplacement, false);
    assert.equal(kept.k8sServiceHost, undefined);
    const replaced = valuesOf({ cilium: { kubeProxyReplacement: true, apiServerHost: "dev-control-plane" } });
    assert.equal(replaced.kubeProxyReplacement, true);
    assert.equal(replaced.k8sServiceHost, "dev-control-plane");
    assert.equal(replaced.k8sServicePort, 6443);
  });

  it("runs Hubble relay and UI, the UI on NodePort 31235, with certificates made in the cluster", () => {
    const v = valuesOf();
    assert.equal(v.hubble.enabled, true);
    assert.equal(v.hubble.relay.enabled, true);
    assert.equal(v.hubble.ui.enabled, true);
    assert.deepEqual(v.hubble.ui.service, { type: "NodePort", nodePort: 31235 });
    assert.equal(v.hubble.tls.auto.method, "cronJob", "helm-generated certificates would differ on every build");
    assert.deepEqual(cilium.nodePorts?.(cilium.defaults({ env: "local", profile: "cilium" })), [
      { port: 31235, option: "hubbleUiNodePort" },
    ]);
  });

  it("sizes the operator for a laptop: one replica", () => {
    assert.equal(valuesOf().operator.replicas, 1);
    assert.equal(valuesOf({ cilium: { operatorReplicas: 2 } }).operator.replicas, 2);
  });

  it("uses Kind's per-node pod CIDRs and leaves L7 to the mesh", () => {
    const v = valuesOf();
    assert.equal(v.ipam.mode, "kubernetes");
    assert.equal(v.l7Proxy, false);
    assert.equal(v.envoy.enabled, false);
  });

  it("gives every container it can reach requests and limits", () => {
    const v = valuesOf();
    for (const r of [
      v.resources,
      v.initResources,
      v.cni.resources,
      v.cgroup.autoMount.resources,
      v.operator.resources,
      v.hubble.relay.resources,
      v.hubble.ui.frontend.resources,
      v.hubble.ui.backend.resources,
    ]) {
      assert.ok(r.requests.cpu && r.requests.memory && r.limits.cpu && r.limits.memory, JSON.stringify(r));
    }
  });

  it("runs the operator restricted: non-root, read-only, no capabilities, RuntimeDefault seccomp, gops on an emptyDir", () => {
    const { operator, hubble } = valuesOf();
    assert.deepEqual(operator.podSecurityContext, {
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      fsGroup: 65532,
      seccompProfile: { type: "RuntimeDefault" },
    });
    assert.equal(operator.securityContext.readOnlyRootFilesystem, true);
    assert.equal(operator.securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(operator.securityContext.capabilities, { drop: ["ALL"] });
    const gopsDir = operator.extraEnv.find((e: { name: string }) => e.name === "GOPS_CONFIG_DIR")?.value;
    const mount = operator.extraVolumeMounts.find((m: { mountPath: string }) => m.mountPath === gopsDir);
    assert.ok(operator.extraVolumes.find((v: { name: string }) => v.name === mount?.name)?.emptyDir, "gops needs a writable dir");
    // The relay's root filesystem is read-only too; its gops agent would fail to write there.
    assert.equal(hubble.relay.securityContext.readOnlyRootFilesystem, true);
    assert.equal(hubble.relay.gops.enabled, false);
  });

  it("is the first app: it depends on nothing", () => {
    assert.equal(app(appsOf("full"), CILIUM_APP).dependsOn, undefined);
  });

  it("rejects an operator count a laptop cannot schedule, with the option path", () => {
    assert.throws(() => appsOf("cilium", { cilium: { operatorReplicas: 5 } }), /cilium\.operatorReplicas: expected an integer from 1 to 3/);
  });
});
