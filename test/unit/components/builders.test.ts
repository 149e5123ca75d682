import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { configHashAnnotation, contentHash } from "../../../src/components/lib/content-hash.ts";
import { deployment, keepOnePodUp } from "../../../src/components/lib/deployment.ts";
import { clusterIPService, containerPorts, headlessService, namedPort } from "../../../src/components/lib/services.ts";
import { statefulSet, volumeClaim } from "../../../src/components/lib/statefulset.ts";
import { podTemplate, restrictedContainer, restrictedPodSpec, secretEnv } from "../../../src/components/lib/workload.ts";

// biome-ignore lint/suspicious/noExplicitAny: objects are walked loosely
type Any = any;
const labels = { "app.kubernetes.io/name": "x" };

describe("component builders", () => {
  it("contentHash of pieces equals the hash of their concatenation (what the components hashed before)", () => {
    const whole = createHash("sha256").update("a: 1\nb: 2\n").digest("hex");
    assert.equal(contentHash(["a: 1\n", "b: 2\n"]), whole.slice(0, 16));
    assert.equal(contentHash(["a: 1\nb: 2\n"], 8), whole.slice(0, 8));
    assert.deepEqual(configHashAnnotation("a: 1\n", "b: 2\n"), { "kindling.dev/config-hash": whole.slice(0, 16) });
  });

  it("Services select by the labels and target container ports by name", () => {
    const ports = [namedPort("http", 80), namedPort("grpc", 90, { appProtocol: "grpc" })];
    const svc: Any = clusterIPService("x", labels, ports);
    assert.deepEqual(svc.spec, {
      type: "ClusterIP",
      selector: labels,
      ports: [
        { name: "http", port: 80, targetPort: "http" },
        { name: "grpc", port: 90, targetPort: "grpc", appProtocol: "grpc" },
      ],
    });
    assert.deepEqual(containerPorts(ports), [
      { name: "http", containerPort: 80 },
      { name: "grpc", containerPort: 90 },
    ]);
  });

  it("a headless Service has no virtual IP, publishes not-ready pods only when asked, and shares no port objects", () => {
    const ports = [namedPort("rpc", 1)];
    const plain: Any = headlessService("x-headless", labels, ports);
    const peers: Any = headlessService("x-headless", labels, ports, { publishNotReadyAddresses: true });
    assert.equal(plain.spec.clusterIP, "None");
    assert.equal("publishNotReadyAddresses" in plain.spec, false);
    assert.equal(peers.spec.publishNotReadyAddresses, true);
    assert.notEqual(plain.spec.ports[0], ports[0]);
  });

  it("a volume claim names a storage class only when one is given", () => {
    assert.equal("storageClassName" in volumeClaim("data", "1Gi").spec, false);
    assert.equal(volumeClaim("data", "1Gi", "fast").spec.storageClassName, "fast");
    assert.deepEqual(volumeClaim("data", "1Gi").spec.resources, { requests: { storage: "1Gi" } });
  });

  it("a StatefulSet points at its headless Service and defaults to one replica", () => {
    const sts: Any = statefulSet({ name: "x", labels, pod: restrictedPodSpec(1000, { containers: [] }), volumeClaims: [] });
    assert.equal(sts.spec.serviceName, "x-headless");
    assert.equal(sts.spec.replicas, 1);
    assert.equal("podManagementPolicy" in sts.spec, false);
    assert.deepEqual(sts.spec.selector, { matchLabels: labels });
    assert.equal(sts.spec.template.spec.automountServiceAccountToken, false);
    assert.equal(sts.spec.template.spec.securityContext.runAsNonRoot, true);
  });

  it("pod templates carry annotations only when given", () => {
    assert.deepEqual(podTemplate(labels, {}).metadata, { labels });
    assert.deepEqual(podTemplate(labels, {}, { a: "1" }).metadata, { labels, annotations: { a: "1" } });
    const d: Any = deployment({ name: "x", labels, replicas: 2, pod: {} });
    assert.equal("strategy" in d.spec, false);
    assert.deepEqual((keepOnePodUp("x", labels) as Any).spec, { minAvailable: 1, selector: { matchLabels: labels } });
  });

  it("a restricted container is sized and locked down whatever the caller passes", () => {
    const r = { cpuRequest: "10m", memoryRequest: "16Mi", cpuLimit: "100m", memoryLimit: "32Mi" };
    const c: Any = restrictedContainer(r, { name: "x", securityContext: { privileged: true } });
    assert.deepEqual(c.resources, { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "32Mi" } });
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.equal("privileged" in c.securityContext, false);
  });

  it("secretEnv reads one key of a Secret", () => {
    assert.deepEqual(secretEnv("PASSWORD", "creds", "pw"), { name: "PASSWORD", valueFrom: { secretKeyRef: { name: "creds", key: "pw" } } });
  });
});
