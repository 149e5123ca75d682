import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { parse as parseYaml } from "yaml";
import { parentName } from "../../../src/cluster/applyset.ts";
import { readRendered } from "../../../src/cluster/manifests.ts";
import { clusterStatus } from "../../../src/cluster/status.ts";
import { up } from "../../../src/cluster/up.ts";
import type { KubeObject } from "../../../src/model/k8s.ts";
import { build } from "../../../src/render/build.ts";
import { startControlPlane } from "./harness.ts";
import { controlPlaneTools } from "./tools.ts";

/**
 * The platform itself, not a fixture: the local environment of
 * kindling.config.ts, rendered by `kindling build`, applied by the engine to a
 * real API server, and ready by the engine's own rules (kwok runs the pods;
 * Jobs complete, StatefulSets get their claims bound to pre-made volumes).
 */
const ROOT = new URL("../../../", import.meta.url).pathname;

test("the rendered local environment comes up ready, then is up to date", { timeout: 300_000 }, async (t) => {
  const tools = controlPlaneTools(t);
  if (!tools) return;
  const out = await mkdtemp(join(tmpdir(), "kindling-rendered-"));
  const cp = await startControlPlane(tools, { nodes: 2, persistentVolumes: 16 });
  t.after(async () => {
    await cp.stop();
    await rm(out, { recursive: true, force: true });
  });
  const built = await build({ config: join(ROOT, "kindling.config.ts"), envs: ["local"], out, write: true, warn: () => {} });
  const dir = built.written[0] as string;
  const target = { type: "existing" as const, kubeconfig: cp.kubeconfig };
  // Stands in for decrypting secrets/local.sops.yaml (secrets-up.test.ts runs the real sops): status expects them.
  const secrets = async (d: { secrets?: { namespace: string; name: string; keys: string[] }[] }) =>
    (d.secrets ?? []).map((s) => ({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: s.name, namespace: s.namespace },
      stringData: Object.fromEntries(s.keys.map((k) => [k, `test-${k}`])),
    }));

  const cold = await up({ env: "local", target, render: async () => dir, secrets, timeoutMs: 120_000 });
  assert.deepEqual(
    cold.errors.map((e) => `${e.step}: ${(e.error as Error).message}`),
    [],
  );
  assert.ok(cold.apps.length > 5, `apps: ${cold.apps.map((a) => a.name).join(", ")}`);
  assert.ok(
    cold.apps.every((a) => a.status === "applied"),
    JSON.stringify(cold.apps.filter((a) => a.status !== "applied")),
  );

  const status = await clusterStatus(cp.client, await readRendered(dir));
  assert.ok(
    status.apps.every((a) => a.inSync && a.ready),
    JSON.stringify(status.apps.filter((a) => !a.inSync || !a.ready)),
  );

  const warm = await up({ env: "local", target, render: async () => dir, secrets, timeoutMs: 120_000 });
  assert.equal(warm.upToDate, true);
  assert.equal(warm.requests, 1);
});

test("the full profile (Cilium, Istio ambient, Argo CD) comes up in order; operators and Argo CD played by the test", {
  timeout: 600_000,
}, async (t) => {
  const tools = controlPlaneTools(t);
  if (!tools) return;
  const out = await mkdtemp(join(tmpdir(), "kindling-full-"));
  const cp = await startControlPlane(tools, { nodes: 3, persistentVolumes: 16 });
  const stand = { stop: false };
  t.after(async () => {
    stand.stop = true;
    await cp.stop();
    await rm(out, { recursive: true, force: true });
  });
  const built = await build({
    config: join(ROOT, "kindling.config.ts"),
    envs: ["local"],
    profile: "full",
    out,
    write: true,
    warn: () => {},
  });
  const dir = built.written[0] as string;

  // What runs in a real cluster but not under kwok: the Cilium operator registers its CRDs once it
  // runs, and Argo CD reports Applications Healthy once synced. The test does both, late on purpose,
  // so that `up` has to wait for them.
  const cnpCrd = parseYaml(await readFile(join(ROOT, "test/fixtures/cluster/crds/ciliumnetworkpolicies.yaml"), "utf8"));
  const playOperators = (async () => {
    let crdDone = false;
    while (!stand.stop) {
      try {
        // Late: only once up has started on the policies, so it must wait for the kind to be served.
        const policies = await cp.client.getOptional<KubeObject>(
          `/api/v1/namespaces/kube-system/configmaps/${parentName("network-policy")}`,
        );
        if (!crdDone && policies) {
          await sleep(2_000);
          await cp.client.request({ method: "POST", path: "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body: cnpCrd });
          crdDone = true;
        }
        const apps = await cp.client.getOptional<{ items: KubeObject[] }>("/apis/argoproj.io/v1alpha1/namespaces/argocd/applications");
        for (const a of apps?.items ?? []) {
          if ((a.status as { health?: { status?: string } } | undefined)?.health?.status === "Healthy") continue;
          await cp.client.request({
            method: "PATCH",
            path: `/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/${a.metadata.name}`,
            contentType: "application/merge-patch+json",
            // Argo CD stamps reconciledAt on each reconciliation; kindling trusts only a verdict newer than its apply.
            body: {
              status: {
                health: { status: "Healthy" },
                sync: { status: "Synced" },
                reconciledAt: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
              },
            },
          });
        }
      } catch {
        // the API server is busy or the CRD not there yet: try again
      }
      await sleep(500);
    }
  })();

  const lines: string[] = [];
  const r = await up({
    env: "local",
    target: { type: "existing", kubeconfig: cp.kubeconfig },
    render: async () => dir,
    timeoutMs: 120_000,
    log: (l) => lines.push(l),
  });
  stand.stop = true;
  await playOperators;
  assert.deepEqual(
    r.errors.map((e) => `${e.step}: ${(e.error as Error).message}`),
    [],
  );
  assert.ok(
    r.apps.every((a) => a.status === "applied"),
    JSON.stringify(r.apps.filter((a) => a.status !== "applied")),
  );
  const step = (n: string) => r.steps.find((s) => s.name === n) as { startMs: number; endMs: number };
  assert.ok(step("app:cilium").endMs <= step("cni").endMs, "nodes are waited for after the CNI app");
  assert.ok(step("cni").endMs <= step("app:istiod").startMs, "everything else after the network");
  assert.ok(step("app:istiod").endMs <= step("app:ztunnel").startMs);
  const last = Math.max(...r.steps.filter((s) => s.name.startsWith("app:")).map((s) => s.startMs));
  assert.equal(step("app:argocd-applications").startMs, last, "the Argo CD Applications go last");
  assert.ok(
    lines.some((l) => /waiting for the API server to serve CiliumNetworkPolicy/.test(l)),
    lines.join("\n"),
  );
});
