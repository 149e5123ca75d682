import assert from "node:assert/strict";
import { test } from "node:test";
import { parentObject } from "../../../src/cluster/applyset.ts";
import type { KubeClient } from "../../../src/cluster/client.ts";
import type { DesiredEnvironment } from "../../../src/cluster/manifests.ts";
import { SECRETS_APP } from "../../../src/cluster/secrets-app.ts";
import { clusterStatus } from "../../../src/cluster/status.ts";
import { ttlJobEnvironment } from "./fixtures.ts";

/**
 * `up` applies the environment's Secrets as the in-memory app "secrets";
 * `status` renders without decrypting them. The secrets app is therefore
 * part of the definition whenever build.json names Secrets: never "removed"
 * (which would make status fail forever after every successful up).
 */
test("status does not report the secrets app as removed when the environment has Secrets", async () => {
  const parent = parentObject(SECRETS_APP, "local", { groupKinds: ["Secret"], namespaces: ["data"], phase: "ready", hash: "sha256:x" });
  const secret = { metadata: { name: "postgresql-credentials", namespace: "data" } };
  const client = {
    request: async (req: { path: string }) => {
      if (req.path === "/api/v1/namespaces/kube-system/configmaps") return { items: [parent] };
      throw new Error(`unexpected request ${req.path}`);
    },
    getOptional: async (path: string) => (path === "/api/v1/namespaces/data/secrets/postgresql-credentials" ? secret : undefined),
    get: async (path: string) => {
      if (path === "/api/v1") return { resources: [{ name: "secrets", kind: "Secret", namespaced: true }] };
      throw new Error(`unexpected GET ${path}`);
    },
  } as unknown as KubeClient;
  const desired: DesiredEnvironment = {
    dir: "/out/local",
    platform: "p",
    env: "local",
    profile: "dev-fast",
    apps: [],
    applications: [],
    secrets: [{ namespace: "data", name: "postgresql-credentials", keys: ["app-password"] }],
  };
  const status = await clusterStatus(client, desired);
  assert.deepEqual(status.removed, []);
  const secrets = status.apps.find((a) => a.name === SECRETS_APP);
  assert.ok(secrets, "the secrets app has a status line");
  assert.equal(secrets.ready, true);
  assert.equal(secrets.inSync, true);
  assert.deepEqual(secrets.missing, []);

  // A Secret that is not there: out of sync, named.
  const gone = await clusterStatus({ ...client, getOptional: async () => undefined, get: client.get } as unknown as KubeClient, desired);
  const missing = gone.apps.find((a) => a.name === SECRETS_APP);
  assert.equal(missing?.inSync, false);
  assert.deepEqual(missing?.missing, ["Secret data/postgresql-credentials"]);
});

/**
 * Jobs with ttlSecondsAfterFinished (Argo CD's redis-secret-init: 60 s) are
 * deleted by the TTL controller once complete. `up` saw them complete before
 * it recorded the app's hash, so once the record matches, a missing TTL Job
 * is finished work, not drift: status stays in sync and ready.
 */
test("a Job cleaned up by its TTL after the app became ready is not missing", async () => {
  const clientWith = (hash: string) =>
    ({
      request: async () => ({
        items: [parentObject("argocd", "local", { groupKinds: ["Job.batch"], namespaces: ["argocd"], phase: "ready", hash })],
      }),
      getOptional: async () => undefined,
      get: async (path: string) => {
        if (path === "/apis/batch/v1") return { resources: [{ name: "jobs", kind: "Job", namespaced: true }] };
        throw new Error(`unexpected GET ${path}`);
      },
    }) as unknown as KubeClient;
  const desired = ttlJobEnvironment();

  const done = (await clusterStatus(clientWith("sha256:now"), desired)).apps[0];
  assert.deepEqual(done?.missing, []);
  assert.equal(done?.inSync, true);
  assert.equal(done?.ready, true);

  // The record is of another version: the Job of this one never ran.
  const stale = (await clusterStatus(clientWith("sha256:before"), desired)).apps[0];
  assert.deepEqual(stale?.missing, ["Job argocd/redis-secret-init"]);
});
