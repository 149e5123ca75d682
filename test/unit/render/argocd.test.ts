import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { syncWaves } from "../../../src/render/argocd.ts";

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
