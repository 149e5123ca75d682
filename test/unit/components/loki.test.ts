import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { appOf, assertRestrictedWorkloads, dataOf, ENVS, find, objectsOf } from "./garage-render.ts";

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML
const configOf = (env: string, def?: unknown): any => parse(dataOf(objectsOf(env, "loki", def), "loki-config", "loki.yaml"));

/** "${NAME}", the reference Loki/Tempo expand from their environment (-config.expand-env). */
const ENV_REF = (name: string) => `$${"{"}${name}}`;

describe("loki component", () => {
  it("stores chunks and rules in Garage over path-style S3, with the Garage component's endpoint and region", () => {
    for (const env of ENVS) {
      const c = configOf(env);
      assert.deepEqual(c.common.storage.s3, {
        endpoint: "garage.garage.svc.cluster.local:3900",
        region: "garage",
        bucketnames: "loki-chunks",
        access_key_id: ENV_REF("AWS_ACCESS_KEY_ID"),
        secret_access_key: ENV_REF("AWS_SECRET_ACCESS_KEY"),
        s3forcepathstyle: true,
        insecure: true,
      });
      assert.equal(c.ruler.storage.type, "s3");
      assert.equal(c.ruler.storage.s3.bucketnames, "loki-ruler");
      assert.deepEqual(c.schema_config.configs[0], {
        from: "2024-04-01",
        store: "tsdb",
        object_store: "s3",
        schema: "v13",
        index: { prefix: "index_", period: "24h" },
      });
      assert.equal(c.compactor.delete_request_store, "s3");
    }
  });

  it("accepts OTLP logs: structured metadata allowed, resource attributes mapped to index labels", () => {
    const c = configOf("local");
    assert.equal(c.limits_config.allow_structured_metadata, true);
    assert.ok(c.distributor.otlp_config.default_resource_attributes_as_index_labels.includes("service.name"));
    assert.ok(!c.distributor.otlp_config.default_resource_attributes_as_index_labels.includes("k8s.pod.name"), "no per-pod streams");
  });

  it("takes its S3 credentials from the Secret the Garage bootstrap writes, and waits for Garage", () => {
    const objects = objectsOf("staging", "loki");
    // biome-ignore lint/suspicious/noExplicitAny: pod template
    const sts: any = find(objects, "StatefulSet", "loki");
    const c = sts.spec.template.spec.containers[0];
    assert.deepEqual(c.envFrom, [{ secretRef: { name: "loki-s3" } }]);
    assert.ok(c.args.includes("-config.expand-env=true"));
    assert.deepEqual(appOf("staging", "loki").dependsOn, ["garage"]);
    assert.equal(objects.filter((o) => o.kind === "Secret").length, 0);
  });

  it("sizes for a laptop locally and differs elsewhere only by options", () => {
    assert.equal(configOf("local").limits_config.retention_period, "72h");
    assert.equal(configOf("staging").limits_config.retention_period, "168h");
    assert.equal(configOf("prod").limits_config.retention_period, "720h");
    for (const env of ENVS) assert.equal(assertRestrictedWorkloads(objectsOf(env, "loki")), 1);
  });

  it("falls back to its own volume when Garage is turned off", () => {
    const def = {
      gitops: { repoURL: "https://example.com/p.git" },
      environments: { local: { profile: "dev-fast", components: { garage: { enabled: false } } } },
    };
    const c = configOf("local", def);
    assert.equal(c.schema_config.configs[0].object_store, "filesystem");
    assert.ok(c.common.storage.filesystem);
    assert.deepEqual(appOf("local", "loki", def).dependsOn, []);
  });
});
