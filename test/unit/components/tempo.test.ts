import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { appOf, assertRestrictedWorkloads, dataOf, ENVS, find, objectsOf } from "./garage-render.ts";

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML
const configOf = (env: string): any => parse(dataOf(objectsOf(env, "tempo"), "tempo-config", "tempo.yaml"));

/** "${NAME}", the reference Loki/Tempo expand from their environment (-config.expand-env). */
const ENV_REF = (name: string) => `$${"{"}${name}}`;

describe("tempo component", () => {
  it("receives OTLP gRPC (and HTTP) and exposes it on its Service", () => {
    const c = configOf("local");
    assert.equal(c.distributor.receivers.otlp.protocols.grpc.endpoint, "0.0.0.0:4317");
    // biome-ignore lint/suspicious/noExplicitAny: Service spec
    const svc: any = find(objectsOf("local", "tempo"), "Service", "tempo");
    assert.deepEqual(
      svc.spec.ports.find((p: { name: string }) => p.name === "otlp-grpc"),
      { name: "otlp-grpc", port: 4317, targetPort: "otlp-grpc", appProtocol: "grpc" },
    );
  });

  it("writes traces to Garage over path-style S3", () => {
    for (const env of ENVS) {
      const s3 = configOf(env).storage.trace;
      assert.equal(s3.backend, "s3");
      assert.equal(s3.s3.bucket, "tempo-traces");
      assert.equal(s3.s3.endpoint, "garage.garage.svc.cluster.local:3900");
      assert.equal(s3.s3.region, "garage");
      assert.equal(s3.s3.forcepathstyle, true);
      assert.equal(s3.s3.access_key, ENV_REF("AWS_ACCESS_KEY_ID"));
    }
    // biome-ignore lint/suspicious/noExplicitAny: pod template
    const sts: any = find(objectsOf("prod", "tempo"), "StatefulSet", "tempo");
    assert.deepEqual(sts.spec.template.spec.containers[0].envFrom, [{ secretRef: { name: "tempo-s3" } }]);
    assert.deepEqual(appOf("prod", "tempo").dependsOn, ["garage"]);
  });

  it("remote-writes span metrics and service graphs, with exemplars, to Prometheus", () => {
    const c = configOf("staging");
    assert.deepEqual(c.metrics_generator.storage.remote_write, [
      { url: "http://prometheus.observability.svc:9090/api/v1/write", send_exemplars: true },
    ]);
    assert.deepEqual(c.overrides.defaults.metrics_generator.processors, ["service-graphs", "span-metrics", "local-blocks"]);
  });

  it("is restricted and sized in every environment; retention differs only by option", () => {
    assert.deepEqual(
      ENVS.map((e) => configOf(e).compactor.compaction.block_retention),
      ["48h", "168h", "720h"],
    );
    for (const env of ENVS) assert.equal(assertRestrictedWorkloads(objectsOf(env, "tempo")), 1);
  });
});
