import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import type { KubeObject } from "../../../src/model/k8s.ts";
import { requireTool } from "../../helpers/tools.ts";
import { FakeGarage } from "../../unit/components/garage-fakes.ts";
import { dataOf, objectsOf } from "../../unit/components/garage-render.ts";
import { type ControlPlaneTools, startControlPlane } from "../cluster/harness.ts";

/**
 * The Garage bootstrap script, as rendered, run as its own node process the
 * way the Job runs it, against a real kube-apiserver with the token of the
 * rendered ServiceAccount: proves the Role grants enough (create, read,
 * update its Secrets) and nothing more, and that a second run writes nothing.
 * Garage itself is the loopback stand-in from the unit tests (Garage is a
 * Rust program this machine cannot fetch; its admin API is documented).
 */

const run = promisify(execFile);

function getWithToken(server: string, ca: string, token: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, server), { ca, headers: { authorization: `Bearer ${token}` }, timeout: 10_000 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("garage bootstrap against a real kube-apiserver", () => {
  it("works with exactly the rendered RBAC, and a second run writes nothing", { timeout: 240_000 }, async (t) => {
    const names = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"] as const;
    const paths = names.map((n) => requireTool(t, n));
    if (paths.some((p) => p === undefined)) return;
    const cp = await startControlPlane(Object.fromEntries(names.map((n, i) => [n, paths[i]])) as unknown as ControlPlaneTools, {
      nodes: 1,
      persistentVolumes: 0,
    });
    t.after(() => cp.stop());
    const c = cp.client;

    const objects = objectsOf("local", "garage");
    for (const ns of ["garage", "observability"]) {
      await c.request({
        method: "POST",
        path: "/api/v1/namespaces",
        body: { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } },
      });
    }
    const base = (o: KubeObject) => (o.kind === "ServiceAccount" ? "/api/v1" : "/apis/rbac.authorization.k8s.io/v1");
    const plural: Record<string, string> = { ServiceAccount: "serviceaccounts", Role: "roles", RoleBinding: "rolebindings" };
    for (const o of objects.filter((x) => plural[x.kind])) {
      const ns = o.metadata.namespace ?? "garage";
      await c.request({
        method: "POST",
        path: `${base(o)}/namespaces/${ns}/${plural[o.kind]}`,
        body: { ...o, metadata: { ...o.metadata, namespace: ns } },
      });
    }
    // A Secret the bootstrap has no business reading.
    await c.request({
      method: "POST",
      path: "/api/v1/namespaces/observability/secrets",
      body: { apiVersion: "v1", kind: "Secret", metadata: { name: "unrelated" }, stringData: { x: "y" } },
    });
    const tr = await c.request<{ status: { token: string } }>({
      method: "POST",
      path: "/api/v1/namespaces/garage/serviceaccounts/garage-bootstrap/token",
      body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 600 } },
    });
    const token = tr.status.token;
    const ca = readFileSync(join(cp.dir, "ca.crt"), "utf8");

    const garage = await new FakeGarage(1).start();
    t.after(() => garage.stop());
    let adminToken: string | undefined;
    const poll = setInterval(async () => {
      const s = await c
        .getOptional<{ data?: Record<string, string> }>("/api/v1/namespaces/garage/secrets/garage-secrets")
        .catch(() => undefined);
      const v = s?.data?.["admin-token"];
      if (v) adminToken = Buffer.from(v, "base64").toString("utf8");
    }, 100);
    t.after(() => clearInterval(poll));
    garage.token = () => adminToken;

    const dir = cp.dir;
    const plan = JSON.parse(dataOf(objects, "garage-bootstrap", "plan.json"));
    plan.nodes = garage.urls.map((admin, i) => ({ admin, rpc: `garage-${i}:3901` }));
    writeFileSync(join(dir, "plan.json"), JSON.stringify(plan));
    writeFileSync(join(dir, "bootstrap.mjs"), dataOf(objects, "garage-bootstrap", "bootstrap.mjs"));
    writeFileSync(join(dir, "sa-token"), token);
    const env = {
      PATH: process.env.PATH,
      GARAGE_BOOTSTRAP_RUN: "1",
      GARAGE_PLAN_FILE: join(dir, "plan.json"),
      KUBE_API_URL: cp.server,
      KUBE_TOKEN_FILE: join(dir, "sa-token"),
      NODE_EXTRA_CA_CERTS: join(dir, "ca.crt"),
    };
    const bootstrap = () => run(process.execPath, [join(dir, "bootstrap.mjs")], { env, timeout: 120_000 });

    const first = await bootstrap();
    assert.match(first.stdout, /changed: secret garage\/garage-secrets: create/);
    assert.match(first.stdout, /secret observability\/loki-s3: create; .*secret observability\/tempo-s3: create/);
    const loki = await c.getOptional<{ data: Record<string, string> }>("/api/v1/namespaces/observability/secrets/loki-s3");
    assert.equal(Buffer.from(loki?.data.AWS_ACCESS_KEY_ID ?? "", "base64").toString(), garage.keys.find((k) => k.name === "loki")?.id);

    const versions = async () =>
      Promise.all(
        ["garage/garage-secrets", "observability/loki-s3", "observability/tempo-s3"].map(async (s) => {
          const [ns, name] = s.split("/");
          return (await c.getOptional<KubeObject>(`/api/v1/namespaces/${ns}/secrets/${name}`))?.metadata.resourceVersion;
        }),
      );
    const before = await versions();
    const second = await bootstrap();
    assert.match(second.stdout, /nothing to do/);
    assert.deepEqual(await versions(), before, "no Secret was written on the second run");

    // The ServiceAccount reaches its own Secrets and nothing else.
    assert.equal(await getWithToken(cp.server, ca, token, "/api/v1/namespaces/observability/secrets/loki-s3"), 200);
    assert.equal(await getWithToken(cp.server, ca, token, "/api/v1/namespaces/observability/secrets/unrelated"), 403);
    assert.equal(await getWithToken(cp.server, ca, token, "/api/v1/namespaces/observability/secrets"), 403);
    assert.equal(await getWithToken(cp.server, ca, token, "/api/v1/namespaces/default/secrets/anything"), 403);
  });
});
