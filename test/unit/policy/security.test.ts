import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { restrictedContainerSecurity, restrictedPodSecurity } from "../../../src/components/lib/workload.ts";
import type { KubeObject } from "../../../src/model/k8s.ts";
import { checkWorkloadSecurity, type SecurityFinding } from "../../../src/policy/security.ts";

const sized = { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } };
const good = (name = "main") => ({ name, image: "x", resources: sized, securityContext: restrictedContainerSecurity() });

function deployment(podSpec: Record<string, unknown>, kind = "Deployment"): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind,
    metadata: { name: "web", namespace: "apps" },
    spec: { selector: {}, template: { metadata: {}, spec: podSpec } },
  };
}

const rules = (f: SecurityFinding[]) => f.map((x) => `${x.container ?? "-"}:${x.rule}`).sort();

describe("checkWorkloadSecurity", () => {
  it("accepts a workload built with the restricted helpers", () => {
    assert.deepEqual(checkWorkloadSecurity([deployment({ securityContext: restrictedPodSecurity(1000), containers: [good()] })]), []);
  });

  it("takes runAsNonRoot and seccomp from the pod when the container does not set them", () => {
    const container = {
      ...good(),
      securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
    };
    const pod = { securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } }, containers: [container] };
    assert.deepEqual(checkWorkloadSecurity([deployment(pod)]), []);
  });

  it("reports every missing setting of a bare container, with its path", () => {
    const findings = checkWorkloadSecurity([deployment({ containers: [{ name: "bare", image: "x" }] })]);
    assert.deepEqual(rules(findings), [
      "bare:dropAllCapabilities",
      "bare:noPrivilegeEscalation",
      "bare:readOnlyRootFilesystem",
      "bare:resources",
      "bare:runAsNonRoot",
      "bare:seccompRuntimeDefault",
    ]);
    const resources = findings.find((f) => f.rule === "resources");
    assert.equal(resources?.path, "spec.template.spec.containers[0].resources");
    assert.match(resources?.message ?? "", /container bare: no cpu request, memory request, cpu limit, memory limit/);
    assert.equal(resources?.namespace, "apps");
  });

  it("checks init containers too, and names a missing limit precisely", () => {
    const init = { ...good("init"), resources: { requests: sized.requests, limits: { cpu: "1" } } };
    const findings = checkWorkloadSecurity([
      deployment({ securityContext: restrictedPodSecurity(1), initContainers: [init], containers: [good()] }),
    ]);
    assert.deepEqual(rules(findings), ["init:resources"]);
    assert.match(findings[0]?.message ?? "", /no memory limit$/);
    assert.equal(findings[0]?.path, "spec.template.spec.initContainers[0].resources");
  });

  it("rejects root, privilege, added capabilities and Unconfined seccomp even when other fields are set", () => {
    const sc = {
      ...restrictedContainerSecurity(),
      runAsUser: 0,
      privileged: true,
      capabilities: { drop: ["ALL"], add: ["NET_ADMIN", "NET_BIND_SERVICE"] },
      seccompProfile: { type: "Unconfined" },
    };
    const findings = checkWorkloadSecurity([deployment({ containers: [{ ...good(), securityContext: sc }] })]);
    assert.deepEqual(rules(findings), ["main:addedCapabilities", "main:notPrivileged", "main:runAsNonRoot", "main:seccompRuntimeDefault"]);
    assert.match(findings.find((f) => f.rule === "addedCapabilities")?.message ?? "", /adds capabilities NET_ADMIN$/);
  });

  it("reports host namespaces and hostPath volumes at pod level", () => {
    const pod = {
      securityContext: restrictedPodSecurity(1),
      hostNetwork: true,
      hostPID: true,
      volumes: [{ name: "proc", hostPath: { path: "/proc" } }],
      containers: [good()],
    };
    const findings = checkWorkloadSecurity([deployment(pod, "DaemonSet")]);
    assert.deepEqual(rules(findings), ["-:noHostNamespaces", "-:noHostNamespaces", "-:noHostPath"]);
    assert.equal(findings[0]?.kind, "DaemonSet");
  });

  it("finds the pod spec of Pods, Jobs, CronJobs and every template kind, and ignores other objects", () => {
    const bare = { containers: [{ name: "c", image: "x" }] };
    const objects: KubeObject[] = [
      { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: bare },
      { apiVersion: "batch/v1", kind: "Job", metadata: { name: "j" }, spec: { template: { spec: bare } } },
      { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "cj" }, spec: { jobTemplate: { spec: { template: { spec: bare } } } } },
      { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "s" }, spec: { template: { spec: bare } } },
      { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "r" }, spec: { template: { spec: bare } } },
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" }, data: {} },
      { apiVersion: "example.com/v1", kind: "Deployment", metadata: { name: "custom" }, spec: { template: { spec: bare } } },
    ];
    const names = new Set(checkWorkloadSecurity(objects).map((f) => f.name));
    assert.deepEqual([...names].sort(), ["cj", "j", "p", "r", "s"]);
    const cron = checkWorkloadSecurity([objects[2] as KubeObject]).find((f) => f.rule === "resources");
    assert.equal(cron?.path, "spec.jobTemplate.spec.template.spec.containers[0].resources");
  });
});
