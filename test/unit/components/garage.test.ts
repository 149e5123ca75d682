import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../../../src/model/k8s.ts";
import { assertRestrictedWorkloads, dataOf, ENVS, find, objectsOf } from "./garage-render.ts";

describe("garage component", () => {
  it("renders for every environment, with staging and prod differing only by options", () => {
    for (const env of ENVS) {
      const objects = objectsOf(env, "garage");
      const sts = find(objects, "StatefulSet", "garage") as KubeObject & { spec: { replicas: number } };
      assert.ok(sts, env);
      const toml = dataOf(objects, "garage-config", "garage.toml");
      assert.match(toml, new RegExp(`replication_factor = ${env === "prod" ? 3 : 1}\\n`));
      assert.equal(sts.spec.replicas, env === "prod" ? 3 : 1);
    }
  });

  it("writes no secret: no Secret object, no rpc_secret or admin_token in the config", () => {
    for (const env of ENVS) {
      const objects = objectsOf(env, "garage");
      assert.equal(objects.filter((o) => o.kind === "Secret").length, 0);
      const text = JSON.stringify(objects);
      assert.doesNotMatch(text, /rpc_secret\s*=|admin_token\s*=/);
      const env_ = (find(objects, "StatefulSet") as unknown as { spec: { template: { spec: { containers: { env: unknown[] }[] } } } }).spec
        .template.spec.containers[0]?.env;
      assert.deepEqual(env_, [
        { name: "GARAGE_RPC_SECRET", valueFrom: { secretKeyRef: { name: "garage-secrets", key: "rpc-secret" } } },
        { name: "GARAGE_ADMIN_TOKEN", valueFrom: { secretKeyRef: { name: "garage-secrets", key: "admin-token" } } },
      ]);
    }
  });

  it("gives the bootstrap Job a plan that matches Loki's and Tempo's Secrets, and RBAC limited to those Secrets", () => {
    const objects = objectsOf("prod", "garage");
    const plan = JSON.parse(dataOf(objects, "garage-bootstrap", "plan.json"));
    assert.deepEqual(plan.buckets, ["loki-chunks", "loki-ruler", "tempo-traces"]);
    assert.deepEqual(
      plan.clients.map((c: { key: string; namespace: string; secret: string }) => `${c.key}:${c.namespace}/${c.secret}`),
      ["loki:observability/loki-s3", "tempo:observability/tempo-s3"],
    );
    assert.equal(plan.nodes.length, 3);
    assert.equal(plan.nodes[2].admin, "http://garage-2.garage-headless.garage.svc.cluster.local:3903");
    assert.equal(plan.role.capacity, 50 * 2 ** 30);

    const roles = objects.filter((o) => o.kind === "Role") as (KubeObject & { rules: Record<string, unknown>[] })[];
    assert.deepEqual(
      roles.map((r) => [r.metadata.namespace, r.rules]),
      [
        [
          "garage",
          [
            { apiGroups: [""], resources: ["secrets"], verbs: ["create"] },
            { apiGroups: [""], resources: ["secrets"], resourceNames: ["garage-secrets"], verbs: ["get", "update"] },
          ],
        ],
        [
          "observability",
          [
            { apiGroups: [""], resources: ["secrets"], verbs: ["create"] },
            { apiGroups: [""], resources: ["secrets"], resourceNames: ["loki-s3", "tempo-s3"], verbs: ["get", "update"] },
          ],
        ],
      ],
    );
    const job = find(objects, "Job", "garage-bootstrap") as KubeObject & { spec: { template: { spec: Record<string, unknown> } } };
    assert.equal(job.spec.template.spec.serviceAccountName, "garage-bootstrap");
  });

  it("names the Job after its content, so a changed plan is a new run", () => {
    const jobName = (env: string) => find(objectsOf(env, "garage"), "Job", "garage-bootstrap").metadata.name;
    assert.match(jobName("local") ?? "", /^garage-bootstrap-[0-9a-f]{8}$/);
    assert.equal(jobName("local"), jobName("local"));
    assert.notEqual(jobName("local"), jobName("prod"));
  });

  it("runs every container restricted and sized (StatefulSet and bootstrap Job)", () => {
    for (const env of ENVS) assert.equal(assertRestrictedWorkloads(objectsOf(env, "garage")), 2);
  });

  it("rejects a replication factor above the replica count", () => {
    const def = {
      gitops: { repoURL: "https://example.com/p.git" },
      environments: { local: { profile: "dev-fast", components: { garage: { replicas: 1, replicationFactor: 3 } } } },
    };
    assert.throws(() => objectsOf("local", "garage", def), /replicationFactor 3 needs at least that many replicas/);
  });

  it("keeps garage.toml path-style (no root_domain) and SQLite metadata", () => {
    const toml = dataOf(objectsOf("local", "garage"), "garage-config", "garage.toml");
    assert.doesNotMatch(toml, /root_domain/);
    assert.match(toml, /db_engine = "sqlite"/);
    assert.match(toml, /\[s3_api\]\napi_bind_addr = "\[::\]:3900"\ns3_region = "garage"/);
  });
});
