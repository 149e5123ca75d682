import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../../../src/model/k8s.ts";
import { fileNames } from "../../../src/render/transforms.ts";

const obj = (apiVersion: string, kind: string, name: string, namespace?: string): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
});

describe("fileNames", () => {
  it("keeps the plain <Kind>-<name>.yaml form and adds the namespace only to tell objects apart", () => {
    assert.deepEqual(fileNames([obj("v1", "ConfigMap", "a", "x"), obj("v1", "ConfigMap", "b", "x"), obj("v1", "Service", "a", "x")]), [
      "ConfigMap-a.yaml",
      "ConfigMap-b.yaml",
      "Service-a.yaml",
    ]);
    assert.deepEqual(fileNames([obj("v1", "ConfigMap", "a", "x"), obj("v1", "ConfigMap", "a", "y")]), [
      "ConfigMap-a.x.yaml",
      "ConfigMap-a.y.yaml",
    ]);
  });

  it("gives every distinct object its own file: same kind and name in two API groups, or names that only differ in ':'", () => {
    const cases = [
      // Istio's Gateway and the Gateway API's Gateway, same name and namespace.
      [obj("networking.istio.io/v1", "Gateway", "g", "a"), obj("gateway.networking.k8s.io/v1", "Gateway", "g", "a")],
      // Cluster-scoped, so no namespace to tell them apart; ":" becomes "_" in file names.
      [obj("rbac.authorization.k8s.io/v1", "ClusterRole", "a:b"), obj("rbac.authorization.k8s.io/v1", "ClusterRole", "a_b")],
      // The namespace suffix of one collides with the plain name of another.
      [obj("v1", "ConfigMap", "g", "a"), obj("v1", "ConfigMap", "g", "b"), obj("v1", "ConfigMap", "g.a", "c")],
    ];
    for (const objects of cases) {
      const names = fileNames(objects);
      assert.equal(new Set(names).size, objects.length, `distinct files for ${JSON.stringify(names)}`);
      for (const n of names) assert.match(n, /^[A-Za-z0-9._-]+\.yaml$/);
      assert.deepEqual(fileNames([...objects].reverse()), [...names].reverse(), "a name does not depend on input order");
    }
  });
});
