import assert from "node:assert/strict";
import { test } from "node:test";
import { readinessOf } from "../../../src/cluster/readiness.ts";

const deployment = (spec: Record<string, unknown>, status: Record<string, unknown>, generation = 2) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", generation },
  spec,
  status,
});

test("a Deployment is ready only when the controller saw the spec and every updated replica is available", () => {
  assert.match(readinessOf(deployment({ replicas: 2 }, { observedGeneration: 1 })).reason, /observe generation 2/);
  assert.match(readinessOf(deployment({ replicas: 2 }, { observedGeneration: 2, updatedReplicas: 1 })).reason, /1 of 2 replicas updated/);
  assert.match(
    readinessOf(deployment({ replicas: 2 }, { observedGeneration: 2, updatedReplicas: 2, replicas: 3 })).reason,
    /1 old replica\(s\) pending termination/,
  );
  assert.match(
    readinessOf(deployment({ replicas: 2 }, { observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 1 })).reason,
    /1 of 2 updated replicas available/,
  );
  assert.equal(
    readinessOf(deployment({ replicas: 2 }, { observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 2 })).ready,
    true,
  );
  const stuck = readinessOf(
    deployment(
      { replicas: 1 },
      {
        observedGeneration: 2,
        conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: "took too long" }],
      },
    ),
  );
  assert.equal(stuck.failed, true);
});

test("StatefulSets, DaemonSets, Jobs, CRDs and Argo CD Applications", () => {
  const sts = (status: Record<string, unknown>, spec: Record<string, unknown> = { replicas: 1 }) =>
    readinessOf({
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { generation: 1 },
      spec,
      status: { observedGeneration: 1, ...status },
    });
  assert.equal(sts({ readyReplicas: 0 }).ready, false);
  assert.match(sts({ readyReplicas: 1, updatedReplicas: 1, currentRevision: "a", updateRevision: "b" }).reason, /rolling out revision b/);
  assert.equal(sts({ readyReplicas: 1, updatedReplicas: 1, currentRevision: "b", updateRevision: "b" }).ready, true);
  assert.equal(sts({ readyReplicas: 1 }, { replicas: 1, updateStrategy: { type: "OnDelete" } }).ready, true);

  const ds = (status: Record<string, unknown>) =>
    readinessOf({ apiVersion: "apps/v1", kind: "DaemonSet", metadata: { generation: 1 }, status: { observedGeneration: 1, ...status } });
  assert.match(ds({ desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 1 }).reason, /1 of 2 pods available/);
  assert.equal(ds({ desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 2 }).ready, true);

  const job = (conditions: object[]) => readinessOf({ apiVersion: "batch/v1", kind: "Job", metadata: {}, status: { conditions } });
  assert.equal(job([{ type: "Complete", status: "True" }]).ready, true);
  const failed = job([{ type: "Failed", status: "True", reason: "BackoffLimitExceeded" }]);
  assert.equal(failed.failed, true);
  assert.match(failed.reason, /BackoffLimitExceeded/);

  const crd = (conditions: object[]) =>
    readinessOf({ apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: {}, status: { conditions } });
  assert.equal(crd([{ type: "Established", status: "True" }]).ready, true);
  assert.equal(crd([]).ready, false);

  const app = (status: Record<string, unknown>) =>
    readinessOf({ apiVersion: "argoproj.io/v1alpha1", kind: "Application", metadata: {}, status });
  assert.equal(app({ health: { status: "Healthy" }, sync: { status: "Synced" } }).ready, true);
  assert.match(app({ health: { status: "Progressing" }, sync: { status: "Synced" } }).reason, /Progressing/);
  assert.equal(app({ health: { status: "Healthy" }, sync: { status: "OutOfSync" } }).ready, false);
});

test("kinds without a rule are ready once they exist", () => {
  assert.equal(readinessOf({ apiVersion: "v1", kind: "ConfigMap", metadata: {} }).ready, true);
});

test("a Node is ready only with condition Ready=True, and the node wait of `up` really waits for it", async () => {
  const { needsWait } = await import("../../../src/cluster/wait.ts");
  const node = (status: string) =>
    readinessOf({ apiVersion: "v1", kind: "Node", metadata: { name: "n1" }, status: { conditions: [{ type: "Ready", status }] } });
  assert.equal(needsWait("v1", "Node"), true, "the cni step must not skip Node readiness");
  assert.equal(node("False").ready, false);
  assert.equal(node("True").ready, true);
  assert.equal(readinessOf({ apiVersion: "v1", kind: "Node", metadata: { name: "n1" }, status: {} }).ready, false);
});

test("an OnDelete DaemonSet is ready once its pods are available: old pods are only replaced when deleted", () => {
  const ds = readinessOf({
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { generation: 2 },
    spec: { updateStrategy: { type: "OnDelete" } },
    status: { observedGeneration: 2, desiredNumberScheduled: 2, updatedNumberScheduled: 0, numberAvailable: 2 },
  });
  assert.equal(ds.ready, true, ds.reason);
});

test("an Argo CD Application's health counts only once Argo CD reconciled it after kindling's last apply", () => {
  const app = (applied: string, status: Record<string, unknown>) =>
    readinessOf({
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Application",
      metadata: {
        name: "web",
        managedFields: [
          { manager: "argocd-application-controller", operation: "Update", time: "2026-01-01T10:05:00Z" },
          { manager: "kindling", operation: "Apply", time: applied },
        ],
      },
      status,
    } as never);
  const healthy = { health: { status: "Healthy" }, sync: { status: "Synced" } };
  // Re-applied at 10:01, last reconciled at 10:00: the Healthy is the old spec's.
  const stale = app("2026-01-01T10:01:00Z", { ...healthy, reconciledAt: "2026-01-01T10:00:00Z" });
  assert.equal(stale.ready, false);
  assert.match(stale.reason, /has not reconciled it since kindling applied it at 2026-01-01T10:01:00Z/);
  // Never reconciled at all: nothing to trust.
  assert.equal(app("2026-01-01T10:01:00Z", healthy).ready, false);
  // Reconciled in the same second or later: fresh.
  assert.equal(app("2026-01-01T10:01:00Z", { ...healthy, reconciledAt: "2026-01-01T10:01:00Z" }).ready, true);
  assert.equal(app("2026-01-01T10:01:00Z", { ...healthy, reconciledAt: "2026-01-01T10:02:30Z" }).ready, true);
  // Fresh but OutOfSync: still not ready.
  assert.equal(
    app("2026-01-01T10:01:00Z", { ...healthy, sync: { status: "OutOfSync" }, reconciledAt: "2026-01-01T10:02:00Z" }).ready,
    false,
  );
});
