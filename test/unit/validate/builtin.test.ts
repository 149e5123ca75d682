import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { KubeObject } from "../../../src/model/k8s.ts";
import { createValidator, type ObjectValidator, SchemaNotLoadedError, validateObjects } from "../../../src/validate/index.ts";
import { configMap, deployment, namespace, service } from "../../fixtures/validate/objects.ts";

// biome-ignore lint/suspicious/noExplicitAny: test fixtures are edited freely
type Loose = any;

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** A Deployment with a tweak applied to a copy. */
function deploymentWith(change: (d: Loose) => void): KubeObject {
  const d = clone(deployment()) as Loose;
  change(d);
  return d;
}

describe("built-in kinds (kubernetes-models)", () => {
  let v: ObjectValidator;
  before(async () => {
    v = await createValidator([
      deployment(),
      service(),
      configMap(),
      namespace(),
      { apiVersion: "v1", kind: "Pod", metadata: { name: "p" } },
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "c" } },
    ]);
  });

  it("accepts valid Deployment, Service, ConfigMap and Namespace", () => {
    for (const obj of [deployment(), service(), configMap(), namespace()]) {
      assert.deepEqual(v.validate(obj), [], `${obj.kind} should be valid`);
    }
  });

  it("names the path of a wrong type", () => {
    const issues = v.validate(
      deploymentWith((d) => {
        d.spec.replicas = "two";
        d.spec.template.spec.containers[0].ports[0].containerPort = "80";
      }),
    );
    assert.deepEqual(issues, [
      { path: "spec.replicas", message: 'must be integer, got string "two"' },
      { path: "spec.template.spec.containers[0].ports[0].containerPort", message: 'must be integer, got string "80"' },
    ]);
  });

  it("reports enums with their allowed values", () => {
    const issues = v.validate(deploymentWith((d) => (d.spec.template.spec.containers[0].ports[0].protocol = "HTTP")));
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.path, "spec.template.spec.containers[0].ports[0].protocol");
    assert.match(issues[0]?.message ?? "", /^must be one of: SCTP, TCP, UDP; got string "HTTP"$/);
  });

  it("reports a missing required field at its parent", () => {
    const issues = v.validate(deploymentWith((d) => delete d.spec.template.spec.containers[0].name));
    assert.deepEqual(issues, [{ path: "spec.template.spec.containers[0]", message: 'missing required field "name"' }]);
    const noSelector = v.validate(deploymentWith((d) => delete d.spec.selector));
    assert.deepEqual(noSelector, [{ path: "spec", message: 'missing required field "selector"' }]);
  });

  it("folds int-or-string alternatives into one message", () => {
    const svc = clone(service()) as Loose;
    svc.spec.ports[0].targetPort = true;
    assert.deepEqual(v.validate(svc), [
      { path: "spec.ports[0].targetPort", message: 'must be string or integer, got boolean true (quote it: "true")' },
    ]);
  });

  it("hints to quote numbers where strings are expected", () => {
    const cm = { ...configMap(), data: { port: 8080 } } as KubeObject;
    assert.deepEqual(v.validate(cm), [{ path: "data.port", message: 'must be string, got integer 8080 (quote it: "8080")' }]);
  });

  it("reports unknown fields, with a suggestion", () => {
    const issues = v.validate(
      deploymentWith((d) => {
        d.spec.replica = 3;
        d.spec.template.spec.containers[0].resource = {};
        d.metadata.label = {};
      }),
    );
    assert.deepEqual(issues, [
      { path: "metadata.label", message: 'unknown field "label" (did you mean "labels"?)' },
      { path: "spec.replica", message: 'unknown field "replica" (did you mean "replicas"?)' },
      { path: "spec.template.spec.containers[0].resource", message: 'unknown field "resource" (did you mean "resources"?)' },
    ]);
    // Same shape again: served by the learned fast path, same answer.
    assert.deepEqual(v.validate(deploymentWith((d) => (d.spec.replica = 3))), [
      { path: "spec.replica", message: 'unknown field "replica" (did you mean "replicas"?)' },
    ]);
  });

  it("does not judge free-form and map fields", () => {
    const d = deploymentWith((x) => {
      x.metadata.annotations = { "example.com/anything": "ok" };
      x.spec.template.spec.nodeSelector = { "kubernetes.io/os": "linux" };
    });
    assert.deepEqual(v.validate(d), []);
  });

  it("checks names, namespaces, labels and annotations", () => {
    const issues = v.validate({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: "Bad_Name",
        namespace: "My.NS",
        labels: { "app.kubernetes.io/name": "x".repeat(64), "bad key!": "v", "example.com/ok": "-bad-" },
        annotations: { "/no-prefix": "x" },
      },
    });
    assert.deepEqual(
      issues.map((i) => i.path),
      [
        'metadata.annotations["/no-prefix"]',
        'metadata.labels["app.kubernetes.io/name"]',
        'metadata.labels["bad key!"]',
        'metadata.labels["example.com/ok"]',
        "metadata.name",
        "metadata.namespace",
      ],
    );
    assert.match(issues.find((i) => i.path === "metadata.name")?.message ?? "", /^invalid name "Bad_Name": a lowercase RFC 1123 subdomain/);
    assert.match(
      issues.find((i) => i.path === 'metadata.labels["app.kubernetes.io/name"]')?.message ?? "",
      /must be no more than 63 characters/,
    );
  });

  it("applies the name rule of the kind", () => {
    const svc = clone(service()) as Loose;
    svc.metadata.name = "1-api"; // Services need a DNS-1035 label
    assert.match(v.validate(svc)[0]?.message ?? "", /DNS-1035/);
    const ns = namespace("a.b"); // Namespaces need a DNS-1123 label
    assert.match(v.validate(ns)[0]?.message ?? "", /RFC 1123 label/);
    const role = { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "system:kindling:reader" } };
    assert.deepEqual(v.validate(role), []); // RBAC names are path segments
    const longName = { ...configMap(), metadata: { name: "a".repeat(254) } };
    assert.match(v.validate(longName)[0]?.message ?? "", /no more than 253 characters/);
  });

  it("requires metadata.name", () => {
    const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { generateName: "x-" } } as unknown as KubeObject;
    assert.deepEqual(v.validate(cm), [
      { path: "metadata", message: 'missing required field "name" (generateName does not work with kubectl apply)' },
    ]);
  });

  it("reports an unknown kind", () => {
    const issues = v.validate({ apiVersion: "example.com/v1", kind: "Foo", metadata: { name: "f" } });
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.path, "");
    assert.match(issues[0]?.message ?? "", /^no schema for example\.com\/v1 Foo: add its CustomResourceDefinition to the render/);
  });

  it("hints at the served version of a known kind", () => {
    const issues = v.validate({ apiVersion: "apps/v2", kind: "Deployment", metadata: { name: "d" } });
    assert.match(issues[0]?.message ?? "", /no schema for apps\/v2 Deployment \(known: apps\/v1 Deployment\)/);
  });

  it("flags API versions Kubernetes no longer serves", () => {
    const issues = v.validate({ apiVersion: "policy/v1beta1", kind: "PodDisruptionBudget", metadata: { name: "p" } });
    assert.deepEqual(issues, [
      { path: "apiVersion", message: "policy/v1beta1 PodDisruptionBudget is no longer served (removed in Kubernetes 1.25): use policy/v1" },
    ]);
  });

  it("reports missing apiVersion and kind", () => {
    const issues = v.validate({ metadata: { name: "x" } } as unknown as KubeObject);
    assert.deepEqual(issues, [
      { path: "", message: 'missing required field "apiVersion"' },
      { path: "", message: 'missing required field "kind"' },
    ]);
  });

  it("throws for a known kind whose schema was not prepared, and works after prepare()", async () => {
    const fresh = await createValidator([]);
    const rq = { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "q" }, spec: { hard: { pods: "10" } } };
    assert.throws(() => fresh.validate(rq), SchemaNotLoadedError);
    await fresh.prepare([rq]);
    assert.deepEqual(fresh.validate(rq), []);
  });

  it("validateObjects returns only objects with issues", async () => {
    const bad = deploymentWith((d) => (d.spec.replicas = "lots"));
    const result = await validateObjects([service(), bad]);
    assert.equal(result.length, 1);
    assert.equal(result[0]?.object, bad);
  });

  it("can leave unknown fields alone", async () => {
    const lenient = await createValidator([deployment()], { unknownFields: false });
    assert.deepEqual(lenient.validate(deploymentWith((d) => (d.spec.replica = 3))), []);
  });
});

describe("values set to undefined", () => {
  it("ignore unknown fields that would not be written, but flag undefined map values", async () => {
    const d = deployment() as Loose;
    d.spec.notAField = undefined;
    d.spec.template.metadata.labels.tier = undefined;
    const v = await createValidator([d]);
    assert.deepEqual(v.validate(d), [
      {
        path: "spec.template.metadata.labels.tier",
        message: "must be string, got undefined (the field is dropped when written as YAML)",
      },
    ]);
  });
});
