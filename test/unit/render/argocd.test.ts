import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { APP_TIERS, applicationFor, appTier, syncWaves } from "../../../src/render/argocd.ts";

describe("syncWaves", () => {
  it("gives each app its depth in the dependency graph", () => {
    const waves = syncWaves([
      { name: "namespaces", dependsOn: [] },
      { name: "garage", dependsOn: ["namespaces"] },
      { name: "loki", dependsOn: ["namespaces", "garage"] },
      { name: "traefik", dependsOn: ["namespaces"] },
    ]);
    assert.deepEqual(Object.fromEntries(waves), { namespaces: 0, garage: 1, loki: 2, traefik: 1 });
  });

  it("names a missing dependency", () => {
    assert.throws(() => syncWaves([{ name: "loki", dependsOn: ["garage"] }]), /app loki depends on garage, which is not present/);
  });

  it("names the apps of a cycle", () => {
    assert.throws(
      () =>
        syncWaves([
          { name: "a", dependsOn: ["b"] },
          { name: "b", dependsOn: ["a"] },
        ]),
      /cycle: a → b → a/,
    );
  });
});

describe("syncWaves with app tiers", () => {
  it("puts node networking first, then CRD-bearing apps, then the rest, keeping dependencies first", () => {
    const waves = syncWaves([
      { name: "namespaces", dependsOn: [] },
      { name: "postgresql", dependsOn: ["namespaces"], tier: APP_TIERS.workloads },
      { name: "traefik", dependsOn: ["namespaces"], tier: APP_TIERS.crds },
      { name: "traefik-routes", dependsOn: ["traefik"], tier: APP_TIERS.workloads },
      { name: "istiod", dependsOn: ["namespaces"], tier: APP_TIERS.crds },
      { name: "ztunnel", dependsOn: ["istiod"], tier: APP_TIERS.network },
      { name: "cilium", dependsOn: ["namespaces"], tier: APP_TIERS.network },
    ]);
    assert.deepEqual(Object.fromEntries(waves), {
      // namespaces and istiod are pulled into the network tier: ztunnel and cilium need them first.
      namespaces: 0,
      cilium: 1,
      istiod: 1,
      ztunnel: 2,
      traefik: 3,
      postgresql: 4,
      "traefik-routes": 4,
    });
  });

  it("gives the same waves as before when no app has a tier", () => {
    const apps = [
      { name: "a", dependsOn: [] },
      { name: "b", dependsOn: ["a"] },
    ];
    assert.deepEqual(Object.fromEntries(syncWaves(apps)), { a: 0, b: 1 });
  });

  it("never puts an app before one it depends on", () => {
    const apps = [
      { name: "crd-app", dependsOn: ["plain"], tier: APP_TIERS.crds },
      { name: "plain", dependsOn: [], tier: APP_TIERS.workloads },
      { name: "other", dependsOn: [], tier: APP_TIERS.workloads },
    ];
    const waves = syncWaves(apps);
    for (const a of apps)
      for (const d of a.dependsOn) assert.ok((waves.get(d) as number) < (waves.get(a.name) as number), `${d} before ${a.name}`);
    assert.deepEqual(Object.fromEntries(waves), { plain: 0, "crd-app": 1, other: 2 });
  });
});

describe("appTier", () => {
  const ds = (name: string, namespace: string) => ({ apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name, namespace } });
  const privileged = [{ namespace: "kube-system", kind: "DaemonSet", name: /^cilium$/, privileges: ["noHostNamespaces"], reason: "CNI" }];

  it("recognises node networking by a workload of the privileged list", () => {
    assert.equal(appTier([ds("cilium", "kube-system")], privileged), APP_TIERS.network);
    assert.equal(appTier([ds("cilium", "other")], privileged), APP_TIERS.workloads);
  });

  it("recognises apps that bring CRDs", () => {
    const crd = { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "x.example.com" } };
    assert.equal(appTier([crd, ds("x", "y")], privileged), APP_TIERS.crds);
  });
});

describe("applicationFor", () => {
  it("points at the app folder with server-side apply, retry with backoff and its wave", () => {
    const app = applicationFor({
      app: "traefik",
      namespace: "edge",
      env: "staging",
      syncWave: 3,
      repoURL: "https://example.com/p.git",
      revision: "main",
      outPath: "manifests-result",
    });
    const spec = app.spec as { source: { path: string }; syncPolicy: { syncOptions: string[]; retry: { backoff: unknown } } };
    assert.equal(app.metadata.annotations?.["argocd.argoproj.io/sync-wave"], "3");
    assert.equal(spec.source.path, "manifests-result/staging/traefik");
    assert.ok(spec.syncPolicy.syncOptions.includes("ServerSideApply=true"));
    assert.deepEqual(spec.syncPolicy.retry.backoff, { duration: "5s", factor: 2, maxDuration: "3m" });
  });
});
