import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { appApplySetId, applySetId, parentName } from "../../../src/cluster/applyset.ts";
import { diffEnvironment } from "../../../src/cluster/diff.ts";
import { NotReadyError, ObjectRejectedError } from "../../../src/cluster/errors.ts";
import { readRendered } from "../../../src/cluster/manifests.ts";
import { clusterStatus } from "../../../src/cluster/status.ts";
import { type UpReport, up } from "../../../src/cluster/up.ts";
import type { KubeObject } from "../../../src/model/k8s.ts";
import { type SampleApp, sampleApps, sampleDeployment, writeSampleEnv } from "../../fixtures/cluster/sample-env.ts";
import { requireTool } from "../../helpers/tools.ts";
import { type ControlPlane, startControlPlane } from "./harness.ts";
import { controlPlaneTools } from "./tools.ts";

/**
 * The bootstrap engine against a real kube-apiserver + etcd, with
 * kube-controller-manager, kube-scheduler and kwok making Deployments,
 * StatefulSets, DaemonSets and Jobs actually roll out. The subtests build on
 * each other (one control plane for the file: starting one costs ~5 s).
 */
const ROOT = new URL("../../../", import.meta.url).pathname;
const run = promisify(execFile);

test("bootstrap engine against a real API server", { timeout: 600_000 }, async (t) => {
  const tools = controlPlaneTools(t);
  if (!tools) return;
  const cp: ControlPlane = await startControlPlane(tools, { nodes: 2, persistentVolumes: 12 });
  const out = await mkdtemp(join(tmpdir(), "kindling-engine-"));
  t.after(async () => {
    await cp.stop();
    await rm(out, { recursive: true, force: true });
  });
  const target = { type: "existing" as const, kubeconfig: cp.kubeconfig };
  let apps = sampleApps();

  /** Writes the environment and runs up on it; `apps` holds the last environment a test kept. */
  const upWith = async (next: SampleApp[], opts: { timeoutMs?: number } = {}): Promise<UpReport> => {
    const dir = await writeSampleEnv(out, next);
    return up({ env: "local", target, render: async () => dir, timeoutMs: opts.timeoutMs ?? 60_000 });
  };
  const get = <T = KubeObject>(path: string) => cp.client.get<T>(path);
  const exists = async (path: string) => (await cp.client.getOptional(path)) !== undefined;
  const byName = (r: UpReport) => Object.fromEntries(r.apps.map((a) => [a.name, a.status]));
  const noErrors = (r: UpReport) =>
    assert.deepEqual(
      r.errors.map((e) => String((e.error as Error).message)),
      [],
    );
  const parentPath = (app: string) => `/api/v1/namespaces/kube-system/configmaps/${parentName(app)}`;
  /** `count` small objects (ConfigMaps or Secrets) and a Deployment: enough to apply that an up can be caught in the middle. */
  const bulkApp = (name: string, count: number, kind: "ConfigMap" | "Secret" = "ConfigMap"): SampleApp => ({
    name,
    namespace: "demo",
    dependsOn: ["namespaces"],
    objects: [
      ...Array.from({ length: count }, (_, i) => ({
        apiVersion: "v1",
        kind,
        metadata: { name: `${name}-${i}`, namespace: "demo" },
        [kind === "Secret" ? "stringData" : "data"]: { i: String(i) },
      })),
      sampleDeployment(name, "demo", 2),
    ],
  });
  /** `kindling up` on `dir` as a child process, answered once it has started on `app` (its ApplySet parent says "applying"). */
  const cliUpUntilApplying = async (dir: string, app: string) => {
    const child = spawn(process.execPath, [join(ROOT, "bin/kindling.mjs"), "up", "--kubeconfig", cp.kubeconfig, "--manifests", dir], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    let output = "";
    child.stdout.on("data", (c) => {
      output += c;
    });
    child.stderr.on("data", (c) => {
      output += c;
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    for (;;) {
      const parent = await cp.client.getOptional<KubeObject>(parentPath(app));
      if (parent?.metadata.annotations?.["kindling.dev/phase"] === "applying") break;
      assert.ok(Date.now() < deadline && child.exitCode === null, `up never started on ${app}:\n${output}`);
      await sleep(20);
    }
    return { child, exited, output: () => output };
  };
  const liveVersions = async () => {
    const paths = [
      "/apis/apps/v1/namespaces/demo/deployments/web",
      "/apis/apps/v1/namespaces/demo/deployments/api",
      "/api/v1/namespaces/demo/services/web",
      "/api/v1/namespaces/demo/configmaps/web-config",
      "/apis/demo.kindling.dev/v1/namespaces/demo/widgets/front",
      "/apis/apps/v1/namespaces/data/statefulsets/db",
      "/apis/batch/v1/namespaces/data/jobs/db-migrate",
      "/apis/apps/v1/namespaces/demo/daemonsets/node-agent",
      "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.demo.kindling.dev",
      "/api/v1/namespaces/demo",
    ];
    const objs = await Promise.all(paths.map((p) => get(p)));
    return objs.map((o) => `${o.kind}/${o.metadata.name}@${o.metadata.resourceVersion}`);
  };

  await t.test("a cold up applies every app in order and waits until all is ready", async () => {
    const r = await upWith(apps);
    noErrors(r);
    assert.equal(r.upToDate, false);
    assert.deepEqual(byName(r), { namespaces: "applied", "widgets-crd": "applied", web: "applied", db: "applied", agent: "applied" });
    const web = await get<{ status: { availableReplicas?: number } } & KubeObject>("/apis/apps/v1/namespaces/demo/deployments/web");
    assert.equal(web.status.availableReplicas, 2, "Deployment available with its replicas");
    assert.ok(web.metadata.labels?.["applyset.kubernetes.io/part-of"]?.startsWith("applyset-"), "members carry the ApplySet label");
    const job = await get<{ status: { succeeded?: number } }>("/apis/batch/v1/namespaces/data/jobs/db-migrate");
    assert.equal(job.status.succeeded, 1, "Job complete");
    const sts = await get<{ status: { readyReplicas?: number } }>("/apis/apps/v1/namespaces/data/statefulsets/db");
    assert.equal(sts.status.readyReplicas, 1, "StatefulSet rolled out (its claim bound)");
    const ds = await get<{ status: { numberAvailable?: number } }>("/apis/apps/v1/namespaces/demo/daemonsets/node-agent");
    assert.equal(ds.status.numberAvailable, 2, "DaemonSet on both nodes");
    // Dependency order: namespaces before everything, the CRD app before web.
    const step = (n: string) => r.steps.find((s) => s.name === n);
    assert.ok((step("app:namespaces")?.endMs ?? 0) <= (step("app:db")?.startMs ?? 0));
    assert.ok((step("app:widgets-crd")?.endMs ?? 0) <= (step("app:web")?.startMs ?? 0));
    // Independent apps overlap.
    assert.ok((step("app:db")?.startMs ?? 0) < (step("app:agent")?.endMs ?? 0), "db and agent run at the same time");
    const parent = await get(parentPath("web"));
    assert.equal(parent.metadata.annotations?.["kindling.dev/phase"], "ready");
    assert.match(parent.metadata.annotations?.["applyset.kubernetes.io/contains-group-kinds"] ?? "", /Deployment\.apps/);
  });

  await t.test("the ApplySet is the one kubectl computes and understands", async (st) => {
    const kubectl = requireTool(st, "kubectl");
    if (!kubectl) return;
    const env = { ...process.env, KUBECONFIG: cp.kubeconfig, KUBECTL_APPLYSET: "true" };
    // kubectl's own parent for a throwaway set: its id label must be what kindling computes for that parent.
    const file = join(out, "interop.yaml");
    await writeFile(file, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: interop-member\n  namespace: kube-system\n");
    await run(kubectl, ["apply", "--server-side", "--prune", "--applyset=configmaps/interop", "-n", "kube-system", "-f", file], { env });
    const parent = await get("/api/v1/namespaces/kube-system/configmaps/interop");
    assert.equal(parent.metadata.labels?.["applyset.kubernetes.io/id"], applySetId("interop", "kube-system"));
    // And kubectl finds kindling's members by the same label.
    const { stdout } = await run(
      kubectl,
      ["get", "deployments", "-A", "-l", `applyset.kubernetes.io/part-of=${appApplySetId("web")}`, "-o", "name"],
      { env },
    );
    assert.deepEqual(stdout.trim().split("\n").sort(), ["deployment.apps/api", "deployment.apps/web"]);
    await cp.client.request({ method: "DELETE", path: "/api/v1/namespaces/kube-system/configmaps/interop-member" });
    await cp.client.request({ method: "DELETE", path: "/api/v1/namespaces/kube-system/configmaps/interop" });
  });

  await t.test("a second up changes nothing: one request, no object touched", async () => {
    const before = await liveVersions();
    const r = await upWith(apps);
    noErrors(r);
    assert.equal(r.upToDate, true);
    assert.equal(r.requests, 1, "the warm check is a single LIST");
    assert.deepEqual(await liveVersions(), before);
  });

  await t.test("changing one app re-applies only that app", async () => {
    const next = sampleApps();
    const web = next.find((a) => a.name === "web") as SampleApp;
    web.objects[0] = sampleDeployment("web", "demo", 3);
    const r = await upWith(next);
    noErrors(r);
    assert.deepEqual(byName(r), {
      namespaces: "unchanged",
      "widgets-crd": "unchanged",
      web: "applied",
      db: "unchanged",
      agent: "unchanged",
    });
    const live = await get<{ status: { availableReplicas?: number } }>("/apis/apps/v1/namespaces/demo/deployments/web");
    assert.equal(live.status.availableReplicas, 3);
    apps = next;
  });

  await t.test("objects and apps removed from the definition are pruned, nothing else", async () => {
    // A look-alike kindling does not own: same labels, no ApplySet membership.
    await cp.client.request({
      method: "POST",
      path: "/api/v1/namespaces/demo/configmaps",
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "bystander", labels: { "app.kubernetes.io/name": "web" } } },
    });
    const next = apps
      .filter((a) => a.name !== "agent")
      .map((a) => (a.name === "web" ? { ...a, objects: a.objects.filter((o) => o.metadata.name !== "web-config") } : a));
    const r = await upWith(next);
    noErrors(r);
    assert.equal(byName(r).agent, "removed");
    assert.deepEqual(r.apps.find((a) => a.name === "web")?.pruned, ["ConfigMap demo/web-config"]);
    assert.equal(await exists("/api/v1/namespaces/demo/configmaps/web-config"), false);
    assert.equal(await exists("/apis/apps/v1/namespaces/demo/daemonsets/node-agent"), false);
    assert.equal(await exists(parentPath("agent")), false);
    assert.equal(await exists("/api/v1/namespaces/demo/configmaps/bystander"), true, "not kindling's: left alone");
    assert.equal((await upWith(next)).upToDate, true);
    apps = next;
  });

  await t.test("status: in sync and ready; diff: shows what up would change", async () => {
    const dir = join(out, "local");
    const status = await clusterStatus(cp.client, await readRendered(dir));
    assert.ok(
      status.apps.every((a) => a.inSync && a.ready),
      JSON.stringify(status.apps.filter((a) => !a.inSync || !a.ready)),
    );
    assert.ok(
      (await diffEnvironment(cp.client, await readRendered(dir))).every((a) => !a.changed),
      "no diff after up",
    );

    const next = apps.map((a) =>
      a.name === "web"
        ? {
            ...a,
            objects: a.objects.map((o) => (o.metadata.name === "web" && o.kind === "Deployment" ? sampleDeployment("web", "demo", 1) : o)),
          }
        : a,
    );
    await writeSampleEnv(out, next);
    const edited = await readRendered(dir);
    const after = await clusterStatus(cp.client, edited);
    assert.equal(after.apps.find((a) => a.name === "web")?.inSync, false);
    const diff = await diffEnvironment(cp.client, edited, { apps: ["web"] });
    const change = diff[0]?.objects.find((o) => o.action === "change");
    assert.equal(change?.object, "Deployment demo/web");
    assert.match(change?.diff ?? "", /^-\s+replicas: 3$/m);
    assert.match(change?.diff ?? "", /^\+\s+replicas: 1$/m);
    await writeSampleEnv(out, apps);
  });

  await t.test("a rejected object stops its app with the server's message, the object and its file", async () => {
    const next = apps.map((a) => {
      if (a.name === "db") {
        const broken: KubeObject = {
          apiVersion: "v1",
          kind: "Service",
          metadata: { name: "broken", namespace: "data" },
          spec: { selector: { app: "db" }, ports: [{ port: 70000 }] },
        };
        return { ...a, objects: [...a.objects, broken] };
      }
      if (a.name === "web")
        return {
          ...a,
          objects: a.objects.map((o) => (o.kind === "Deployment" && o.metadata.name === "web" ? sampleDeployment("web", "demo", 2) : o)),
        };
      return a;
    });
    const r = await upWith(next);
    const failure = r.errors.find((e) => e.step === "app:db")?.error;
    assert.ok(failure instanceof ObjectRejectedError, String(failure));
    assert.equal(failure.object, "Service data/broken");
    assert.match(failure.file, /db\/Service-broken\.yaml$/);
    assert.match(failure.message, /Invalid value: 70000/);
    assert.equal(byName(r).web, "applied", "an independent app is not held back");
    assert.equal(byName(r).db, "failed");
    // The failed app is not recorded as done: the next up tries it again.
    const again = await upWith(apps);
    noErrors(again);
    assert.equal(byName(again).db, "applied");
  });

  await t.test("a readiness timeout names the object and says why", async () => {
    const stuck: SampleApp = {
      name: "stuck",
      namespace: "demo",
      dependsOn: ["namespaces"],
      objects: [sampleDeployment("stuck", "demo", 1, { nodeSelector: { "kindling.dev/no-such-node": "true" } })],
    };
    const r = await upWith([...apps, stuck], { timeoutMs: 3_000 });
    const failure = r.errors.find((e) => e.step === "app:stuck")?.error;
    assert.ok(failure instanceof NotReadyError, String(failure));
    assert.match(failure.message, /Deployment demo\/stuck is not ready after 3s: 0 of 1 updated replicas available/);
    assert.match(failure.message, /pod stuck-[a-z0-9]+-[a-z0-9]+: Pending; not scheduled \(Unschedulable/);
    assert.match(failure.message, /FailedScheduling/);
    const cleaned = await upWith(apps.filter((a) => a.name !== "stuck"));
    noErrors(cleaned);
    assert.equal(byName(cleaned).stuck, "removed");
  });

  await t.test("an up killed mid-apply is finished by the next up", async () => {
    const bulk = bulkApp("bulk", 40);
    const { child, exited } = await cliUpUntilApplying(await writeSampleEnv(out, [...apps, bulk]), "bulk");
    child.kill("SIGKILL");
    await exited;
    const r = await upWith([...apps, bulk]);
    noErrors(r);
    assert.equal(byName(r).bulk, "applied");
    assert.ok(["interrupted", "new"].includes(r.apps.find((a) => a.name === "bulk")?.change ?? ""));
    const list = await get<{ items: KubeObject[] }>("/api/v1/namespaces/demo/configmaps");
    assert.equal(list.items.filter((c) => c.metadata.name.startsWith("bulk-")).length, 40);
    assert.equal((await upWith([...apps, bulk])).upToDate, true);
    apps = [...apps, bulk];
  });

  await t.test("an up stopped with SIGTERM mid-apply stops, says what was interrupted, exits 130; the next up finishes", async () => {
    const halt = bulkApp("halt", 40);
    const { child, exited, output: said } = await cliUpUntilApplying(await writeSampleEnv(out, [...apps, halt]), "halt");
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    const code = await exited;
    clearTimeout(timer);
    const output = said();
    assert.equal(code, 130, output);
    assert.match(output, /interrupted \(SIGTERM\) while running app:halt/, output);
    assert.match(output, /run `kindling up` again to finish/, output);
    const parent = await get(parentPath("halt"));
    assert.equal(parent.metadata.annotations?.["kindling.dev/phase"], "applying", "the interrupted app is not recorded as done");
    const r = await upWith([...apps, halt]);
    noErrors(r);
    assert.equal(byName(r).halt, "applied");
    assert.equal((await upWith([...apps, halt])).upToDate, true);
    apps = [...apps, halt];
  });

  await t.test("an API server restart in the middle of an up is survived", async () => {
    const more = bulkApp("more", 30, "Secret");
    const dir = await writeSampleEnv(out, [...apps, more]);
    const running = up({ env: "local", target, render: async () => dir, timeoutMs: 120_000, retryBudgetMs: 120_000 });
    for (let i = 0; i < 500; i++) {
      const parent = await cp.client.getOptional<KubeObject>(parentPath("more")).catch(() => undefined);
      if (parent) break;
      await sleep(10);
    }
    await cp.bounceApiServer(2_000);
    const r = await running;
    noErrors(r);
    assert.equal(byName(r).more, "applied");
    assert.ok(r.retries > 0, "requests were retried while the API server was down");
    const d = await get<{ status: { availableReplicas?: number } }>("/apis/apps/v1/namespaces/demo/deployments/more");
    assert.equal(d.status.availableReplicas, 2);
    apps = [...apps, more];
  });

  await t.test("a Job whose pod template changed is replaced (its template is immutable); a Job kindling does not own is not", async () => {
    const job = (image: string): KubeObject => ({
      apiVersion: "batch/v1",
      kind: "Job",
      // Like cilium's hubble-generate-certs: no content hash in the name.
      metadata: { name: "gen-certs", namespace: "demo" },
      spec: { backoffLimit: 2, template: { spec: { restartPolicy: "Never", containers: [{ name: "gen", image }] } } },
    });
    const certs = (image: string): SampleApp => ({ name: "certs", namespace: "demo", dependsOn: ["namespaces"], objects: [job(image)] });
    noErrors(await upWith([...apps, certs("registry.example/certgen:1.0")]));
    const before = await get("/apis/batch/v1/namespaces/demo/jobs/gen-certs");
    const lines: string[] = [];
    const dir = await writeSampleEnv(out, [...apps, certs("registry.example/certgen:2.0")]);
    const r = await up({ env: "local", target, render: async () => dir, timeoutMs: 60_000, log: (l) => lines.push(l) });
    noErrors(r);
    assert.equal(byName(r).certs, "applied");
    const after = await get<
      { spec: { template: { spec: { containers: { image: string }[] } } }; status: { succeeded?: number } } & KubeObject
    >("/apis/batch/v1/namespaces/demo/jobs/gen-certs");
    assert.notEqual(after.metadata.uid, before.metadata.uid, "a new Job");
    assert.equal(after.spec.template.spec.containers[0]?.image, "registry.example/certgen:2.0");
    assert.equal(after.status.succeeded, 1, "and it ran to completion");
    assert.ok(
      lines.some((l) =>
        /app:certs: Job demo\/gen-certs: pod template is immutable; deleted the old Job \(propagationPolicy Background\), applying again/.test(
          l,
        ),
      ),
      lines.join("\n"),
    );

    // A Job of the same name that kindling did not create is never deleted: the rejection stands.
    const other = job("registry.example/other:1.0");
    other.metadata.name = "foreign";
    await cp.client.request({ method: "POST", path: "/apis/batch/v1/namespaces/demo/jobs", body: other });
    const foreign = await get("/apis/batch/v1/namespaces/demo/jobs/foreign");
    const mine: SampleApp = {
      ...certs("registry.example/certgen:2.0"),
      objects: [
        job("registry.example/certgen:2.0"),
        { ...job("registry.example/other:2.0"), metadata: { name: "foreign", namespace: "demo" } },
      ],
    };
    const rejected = await upWith([...apps, mine]);
    const err = rejected.errors.find((e) => e.step === "app:certs")?.error;
    assert.ok(err instanceof ObjectRejectedError, String(err));
    assert.match(err.message, /Job demo\/foreign .* field is immutable/);
    assert.equal((await get("/apis/batch/v1/namespaces/demo/jobs/foreign")).metadata.uid, foreign.metadata.uid);
    await cp.client.request({
      method: "DELETE",
      path: "/apis/batch/v1/namespaces/demo/jobs/foreign",
      query: { propagationPolicy: "Background" },
    });
    noErrors(await upWith(apps));
  });
});
