import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { KubeObject } from "../../../src/model/k8s.ts";
import { compiledSchemaCount } from "../../../src/validate/crd.ts";
import { createValidator, type ObjectValidator } from "../../../src/validate/index.ts";
import { bucket, ciliumNetworkPolicy, crd } from "../../fixtures/validate/objects.ts";

// biome-ignore lint/suspicious/noExplicitAny: test fixtures are edited freely
type Loose = any;

describe("custom resources validated against CRDs in the render", () => {
  let v: ObjectValidator;
  before(async () => {
    v = await createValidator([crd, bucket()]);
  });

  it("the CRD itself is valid, descriptions and x-kubernetes-* fields included", () => {
    assert.deepEqual(v.validate(crd), []);
    assert.deepEqual(v.validate(structuredClone(crd)), []); // learned fast path
  });

  it("accepts a valid custom resource", () => {
    assert.equal(v.schemaSource("garage.kindling.dev/v1", "Bucket"), "crd");
    assert.deepEqual(v.validate(bucket()), []);
  });

  it("reports type, enum, range, format, set, oneOf and unknown-field problems", () => {
    const bad = bucket("bad", {
      quota: true,
      versioning: "yes",
      replicas: 5,
      mode: "secret",
      allowedCidrs: ["10.0.0.0/8", "10.0.0.0/8", "10.0.0.1"],
      keys: [{ name: "a" }, { name: "b", read: true, write: false }],
      extra: 1,
      template: { metadata: { name: "x" } },
    });
    assert.deepEqual(v.validate(bad), [
      { path: "spec.allowedCidrs", message: "must not contain duplicates (items 0 and 1 are identical)" },
      { path: "spec.allowedCidrs[2]", message: 'must be a valid cidr, got string "10.0.0.1"' },
      { path: "spec.extra", message: 'unknown field "extra"' },
      { path: "spec.keys[0]", message: 'must set exactly one of: "read", "write"' },
      { path: "spec.keys[1]", message: 'must set only one of: "read", "write"' },
      { path: "spec.mode", message: 'must be one of: private, public-read; got string "secret"' },
      { path: "spec.quota", message: 'must be integer or string, got boolean true (quote it: "true")' },
      { path: "spec.replicas", message: "must be <= 3, got integer 5" },
      { path: "spec.template", message: 'missing required field "apiVersion"' },
      { path: "spec.template", message: 'missing required field "kind"' },
      { path: "spec.versioning", message: 'must be boolean or null, got string "yes"' },
    ]);
  });

  it("reports a missing required field and suggests close field names", () => {
    const obj = bucket() as Loose;
    delete obj.spec.quota;
    obj.spec.replica = 2;
    assert.deepEqual(v.validate(obj), [
      { path: "spec", message: 'missing required field "quota"' },
      { path: "spec.replica", message: 'unknown field "replica" (did you mean "replicas"?)' },
    ]);
  });

  it("checks metadata of custom resources itself", () => {
    const obj = {
      ...bucket(),
      metadata: { name: "Loki", namespace: "storage", labels: { a: 1 }, annotation: {} },
    } as unknown as KubeObject;
    assert.deepEqual(v.validate(obj), [
      { path: "metadata.annotation", message: 'unknown field "annotation" (did you mean "annotations"?)' },
      { path: "metadata.labels.a", message: 'must be string, got integer 1 (quote it: "1")' },
      {
        path: "metadata.name",
        message:
          "invalid name \"Loki\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')",
      },
    ]);
  });

  it("reports versions the CRD does not serve", () => {
    assert.deepEqual(v.validate({ ...bucket(), apiVersion: "garage.kindling.dev/v1alpha1" }), [
      { path: "", message: "version v1alpha1 of Bucket is not served by CRD buckets.garage.kindling.dev (served: v1)" },
    ]);
    assert.deepEqual(v.validate({ ...bucket(), apiVersion: "garage.kindling.dev/v2" }), [
      { path: "", message: "CRD buckets.garage.kindling.dev does not define version v2 of Bucket (served: v1)" },
    ]);
  });

  it("without the CRD, the kind is unknown", async () => {
    const bare = await createValidator([bucket()]);
    assert.match(bare.validate(bucket())[0]?.message ?? "", /^no schema for garage\.kindling\.dev\/v1 Bucket/);
  });

  it("checks that a CRD is named <plural>.<group>", () => {
    const misnamed = { ...structuredClone(crd), metadata: { name: "bucket.garage.kindling.dev" } };
    assert.deepEqual(v.validate(misnamed), [
      { path: "metadata.name", message: 'must be spec.names.plural + "." + spec.group: "buckets.garage.kindling.dev"' },
    ]);
  });

  it("caches compiled schemas by content", async () => {
    const before = compiledSchemaCount();
    const again = await createValidator([structuredClone(crd), bucket()]);
    assert.deepEqual(again.validate(bucket()), []);
    assert.equal(compiledSchemaCount(), before);
  });

  it("reports a schema that does not compile instead of throwing", async () => {
    const broken = structuredClone(crd) as Loose;
    broken.metadata.name = "widgets.example.com";
    broken.spec.group = "example.com";
    broken.spec.names = { kind: "Widget", plural: "widgets" };
    broken.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.replicas = { type: "integer", minimum: "one" };
    const w = await createValidator([broken]);
    const issues = w.validate({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" }, spec: {} });
    assert.equal(issues.length, 1);
    assert.match(issues[0]?.message ?? "", /^cannot validate: the schema of v1 in CRD widgets\.example\.com does not compile/);
  });

  it("a Cilium CRD in the render takes precedence over kindling's schema", async () => {
    const ciliumCrd: KubeObject = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "ciliumnetworkpolicies.cilium.io" },
      spec: {
        group: "cilium.io",
        scope: "Namespaced",
        names: { kind: "CiliumNetworkPolicy", plural: "ciliumnetworkpolicies" },
        versions: [
          {
            name: "v2",
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: { type: "object", properties: { spec: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } },
            },
          },
        ],
      },
    };
    const withCrd = await createValidator([ciliumCrd]);
    assert.equal(withCrd.schemaSource("cilium.io/v2", "CiliumNetworkPolicy"), "crd");
    const odd = structuredClone(ciliumNetworkPolicy()) as Loose;
    odd.spec.somethingNew = true;
    assert.deepEqual(withCrd.validate(odd), []);
  });
});
