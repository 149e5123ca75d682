import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DesiredApp, DesiredEnvironment, DesiredObject } from "../../../src/cluster/manifests.ts";
import { SECRETS_APP, withSecretsApp } from "../../../src/cluster/secrets-app.ts";
import type { KubeObject } from "../../../src/model/k8s.ts";

const obj = (app: string, kind: string, name: string, namespace?: string): DesiredObject => ({
  app,
  class: kind === "Namespace" ? "namespace" : "object",
  apiVersion: "v1",
  kind,
  name,
  namespace,
  file: `${app}/${kind}-${name}.yaml`,
  text: "",
  object: { apiVersion: "v1", kind, metadata: { name, namespace } },
});
const app = (name: string, objects: DesiredObject[], dependsOn: string[] = []): DesiredApp => ({
  name,
  namespace: "x",
  dependsOn,
  syncWave: 0,
  hash: "h",
  objects,
});

describe("withSecretsApp", () => {
  const env: DesiredEnvironment = {
    dir: "/out/local",
    platform: "kindling",
    env: "local",
    profile: "dev-fast",
    applications: [],
    apps: [
      app("namespaces", [obj("namespaces", "Namespace", "data"), obj("namespaces", "Namespace", "edge")]),
      app(
        "postgresql",
        [obj("postgresql", "StatefulSet", "postgresql", "data"), obj("postgresql", "Service", "postgresql", "data")],
        ["namespaces"],
      ),
      app("traefik", [obj("traefik", "Deployment", "traefik", "edge")], ["namespaces"]),
      app("workloads", [obj("workloads", "Namespace", "apps"), obj("workloads", "Deployment", "probe", "apps")]),
    ],
  };
  const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "postgresql-credentials", namespace: "data" }, data: { a: "Yg==" } };

  it("applies Secrets after the apps declaring their namespaces and before workloads there", () => {
    const out = withSecretsApp(env, [secret]);
    const by = new Map(out.apps.map((a) => [a.name, a]));
    assert.deepEqual(by.get(SECRETS_APP)?.dependsOn, ["namespaces"]);
    assert.deepEqual(by.get("postgresql")?.dependsOn, ["namespaces", SECRETS_APP]);
    assert.deepEqual(by.get("traefik")?.dependsOn, ["namespaces"], "no Secret in edge: no wait");
  });

  it("never makes the namespace owner wait for the Secrets it must come before (no cycle)", () => {
    const inApps = { ...secret, metadata: { name: "edge-basic-auth", namespace: "apps" } };
    const out = withSecretsApp(env, [inApps]);
    const by = new Map(out.apps.map((a) => [a.name, a]));
    assert.deepEqual(by.get(SECRETS_APP)?.dependsOn, ["workloads"]);
    assert.deepEqual(by.get("workloads")?.dependsOn, []);
  });

  it("hashes names, keys and the ciphertext digest, never the values", () => {
    const hashOf = (o: KubeObject) => withSecretsApp(env, [o]).apps.find((x) => x.name === SECRETS_APP)?.hash;
    const digest = (d: string) => ({ ...secret, metadata: { ...secret.metadata, annotations: { "kindling.dev/encrypted-digest": d } } });
    assert.equal(hashOf(digest("1")), hashOf(structuredClone(digest("1"))));
    assert.equal(hashOf(digest("1")), hashOf({ ...digest("1"), data: { a: "Yw==" } }), "the plaintext does not enter the hash");
    assert.notEqual(hashOf(digest("1")), hashOf(digest("2")), "a re-encrypted value changes it");
    assert.notEqual(hashOf(secret), hashOf({ ...secret, data: { a: "Yg==", b: "Yg==" } }), "a new key changes it");
  });

  it("adds nothing when there are no Secrets", () => {
    assert.equal(withSecretsApp(env, []), env);
  });
});
