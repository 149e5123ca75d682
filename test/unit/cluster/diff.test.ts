import assert from "node:assert/strict";
import { test } from "node:test";
import { parentObject } from "../../../src/cluster/applyset.ts";
import type { KubeClient } from "../../../src/cluster/client.ts";
import { diffEnvironment } from "../../../src/cluster/diff.ts";
import { ttlJobEnvironment } from "./fixtures.ts";

/** A Job its TTL removed after `up` saw it complete is no difference: `up` would not apply it (the app is up to date). */
test("diff does not report a TTL-cleaned Job of an up-to-date app as to create", async () => {
  const clientWith = (hash: string) =>
    ({
      request: async (req: { path: string }) =>
        req.path === "/api/v1/namespaces/kube-system/configmaps"
          ? { items: [parentObject("argocd", "local", { groupKinds: ["Job.batch"], namespaces: ["argocd"], phase: "ready", hash })] }
          : { items: [] },
      getOptional: async (path: string) => (path === "/apis/batch" ? { preferredVersion: { groupVersion: "batch/v1" } } : undefined),
      get: async (path: string) => {
        if (path === "/apis/batch/v1") return { resources: [{ name: "jobs", kind: "Job", namespaced: true }] };
        throw new Error(`unexpected GET ${path}`);
      },
    }) as unknown as KubeClient;
  const desired = ttlJobEnvironment();

  const [same] = await diffEnvironment(clientWith("sha256:now"), desired);
  assert.equal(same?.changed, false, JSON.stringify(same?.objects));

  const [changed] = await diffEnvironment(clientWith("sha256:before"), desired);
  assert.equal(changed?.objects[0]?.action, "create");
});
