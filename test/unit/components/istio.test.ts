/** Istio ambient, the Gateway API CRDs and the app namespace: order, settings, enrolment, waypoint — checked without helm. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GATEWAY_API_APP, gatewayApiChart } from "../../../src/components/gateway-api.ts";
import { AMBIENT_LABEL, ISTIO_APPS, istio, istioCharts } from "../../../src/components/istio.ts";
import type { App } from "../../../src/components/types.ts";
import { WORKLOADS_APP, workloads } from "../../../src/components/workloads.ts";
import type { KubeObject } from "../../../src/model/k8s.ts";
import { syncWaves } from "../../../src/render/argocd.ts";
import { app, appsOf } from "./profiles-environment.ts";

// biome-ignore lint/suspicious/noExplicitAny: chart values are free-form JSON
type Values = any;
const full = appsOf("full");
const values = (name: string) => app(full, name).charts?.[0]?.values as Values;
const object = (a: App, kind: string, name: string): KubeObject => {
  const found = a.objects?.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `${kind} ${name} in app ${a.name}`);
  return found;
};

describe("istio component (ambient)", () => {
  it("is in the full profile only, as four apps on four pinned charts of one version", () => {
    assert.deepEqual(istio.profiles, ["full"]);
    assert.equal(
      appsOf("cilium").some((a) => a.name.startsWith("istio")),
      false,
    );
    for (const [name, spec] of [
      [ISTIO_APPS.base, istioCharts.base],
      [ISTIO_APPS.istiod, istioCharts.istiod],
      [ISTIO_APPS.cni, istioCharts.cni],
      [ISTIO_APPS.ztunnel, istioCharts.ztunnel],
    ] as const) {
      assert.equal(app(full, name).charts?.[0]?.chart, spec);
      assert.equal(spec.version, "1.30.3");
      assert.equal(spec.repository, "https://istio-release.storage.googleapis.com/charts");
    }
  });

  it("applies base → istiod → istio-cni → ztunnel, after the CNI and the Gateway API CRDs", () => {
    const waves = syncWaves(full.map((a) => ({ name: a.name, dependsOn: a.dependsOn ?? [] })));
    const wave = (n: string) => waves.get(n) as number;
    assert.ok(wave("cilium") < wave(ISTIO_APPS.istiod));
    assert.ok(wave(GATEWAY_API_APP) < wave(ISTIO_APPS.istiod));
    assert.ok(wave(ISTIO_APPS.base) < wave(ISTIO_APPS.istiod));
    assert.ok(wave(ISTIO_APPS.istiod) < wave(ISTIO_APPS.cni));
    assert.ok(wave("cilium") < wave(ISTIO_APPS.cni));
    assert.ok(wave(ISTIO_APPS.cni) < wave(ISTIO_APPS.ztunnel));
    assert.ok(wave(ISTIO_APPS.ztunnel) < wave(WORKLOADS_APP), "app pods start after ztunnel, so they are captured");
    assert.ok(wave(GATEWAY_API_APP) < wave(WORKLOADS_APP), "the waypoint Gateway needs its CRD");
  });

  it("installs istiod, istio-cni and ztunnel with the ambient profile, images pinned to the chart version", () => {
    for (const name of [ISTIO_APPS.istiod, ISTIO_APPS.cni, ISTIO_APPS.ztunnel]) assert.equal(values(name).profile, "ambient");
    assert.deepEqual([values(ISTIO_APPS.istiod).global.hub, values(ISTIO_APPS.istiod).global.tag], ["docker.io/istio", "1.30.3"]);
    assert.deepEqual([values(ISTIO_APPS.cni).global.hub, values(ISTIO_APPS.cni).global.tag], ["docker.io/istio", "1.30.3"]);
    assert.deepEqual([values(ISTIO_APPS.ztunnel).hub, values(ISTIO_APPS.ztunnel).tag], ["docker.io/istio", "1.30.3"]);
  });

  it("sizes istiod for a laptop: one replica, no autoscaler", () => {
    const v = values(ISTIO_APPS.istiod);
    assert.equal(v.replicaCount, 1);
    assert.equal(v.autoscaleEnabled, false);
    assert.deepEqual(v.resources.requests, { cpu: "100m", memory: "256Mi" });
  });

  it("gives waypoints a seccomp profile, so they pass the app namespace's restricted Pod Security", () => {
    assert.deepEqual(values(ISTIO_APPS.istiod).gateways.seccompProfile, { type: "RuntimeDefault" });
  });

  it("declares istio-system as privileged with the reason (istio-cni and ztunnel are node networking)", () => {
    const ns = object(app(full, ISTIO_APPS.base), "Namespace", "istio-system");
    assert.equal(ns.metadata.labels?.["pod-security.kubernetes.io/enforce"], "privileged");
    assert.match(ns.metadata.annotations?.["kindling.dev/pod-security-reason"] ?? "", /privileged\.ts/);
  });
});

describe("gateway-api component", () => {
  it("pins the Gateway API CRDs through a chart, standard channel, nothing else from it", () => {
    const a = app(full, GATEWAY_API_APP);
    assert.equal(a.charts?.[0]?.chart, gatewayApiChart);
    assert.deepEqual(a.charts?.[0]?.values, {
      crds: { gatewayAPI: { enabled: true, channel: "standard" }, envoyGateway: { enabled: false } },
    });
    assert.equal(
      appsOf("dev-fast").some((x) => x.name === GATEWAY_API_APP),
      false,
    );
  });
});

describe("workloads component (the app namespace)", () => {
  it("is present in every profile", () => assert.deepEqual(workloads.profiles, ["dev-fast", "cilium", "full"]));

  it("without the mesh: a restricted namespace, not enrolled, no waypoint", () => {
    for (const profile of ["dev-fast", "cilium"] as const) {
      const a = app(appsOf(profile), WORKLOADS_APP);
      const ns = object(a, "Namespace", "apps");
      assert.equal(ns.metadata.labels?.["pod-security.kubernetes.io/enforce"], "restricted");
      assert.equal(ns.metadata.labels?.[AMBIENT_LABEL], undefined);
      assert.equal(a.objects?.length, 1);
    }
  });

  it("under the mesh: enrolled in ambient, pointed at its waypoint, and the waypoint Gateway", () => {
    const a = app(full, WORKLOADS_APP);
    const ns = object(a, "Namespace", "apps");
    assert.equal(ns.metadata.labels?.[AMBIENT_LABEL], "ambient");
    assert.equal(ns.metadata.labels?.["istio.io/use-waypoint"], "waypoint");
    assert.equal(ns.metadata.labels?.["pod-security.kubernetes.io/enforce"], "restricted");
    const gw = object(a, "Gateway", "waypoint");
    assert.equal(gw.apiVersion, "gateway.networking.k8s.io/v1");
    assert.equal(gw.metadata.namespace, "apps");
    assert.deepEqual(gw.spec, { gatewayClassName: "istio-waypoint", listeners: [{ name: "mesh", port: 15008, protocol: "HBONE" }] });
  });

  it("follows its options: namespace and waypoint name", () => {
    const a = app(appsOf("full", { workloads: { namespace: "shop", waypointName: "shop-waypoint" } }), WORKLOADS_APP);
    assert.equal(object(a, "Namespace", "shop").metadata.labels?.["istio.io/use-waypoint"], "shop-waypoint");
    assert.equal(object(a, "Gateway", "shop-waypoint").metadata.namespace, "shop");
  });

  it("refuses a mesh without the Gateway API, saying what to do", () => {
    assert.throws(() => appsOf("full", { "gateway-api": { enabled: false } }), /gateway-api component is off in this environment/);
  });
});
