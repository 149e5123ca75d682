/**
 * The edge and GitOps components in a real API server: kube-apiserver + etcd,
 * with kube-controller-manager, kube-scheduler and kwok turning Deployments
 * into Pods. Proves what schema checks cannot: the server accepts every
 * object (server-side apply, the CRDs' structural schemas), and Pod Security
 * "restricted" — enforced on the namespaces the way the render pipeline
 * generates them — admits every pod, so the Deployments become available.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { argocd } from "../../../src/components/argocd.ts";
import { cloudflared } from "../../../src/components/cloudflared.ts";
import { traefik } from "../../../src/components/traefik.ts";
import type { App, RenderContext } from "../../../src/components/types.ts";
import type { KubeObject } from "../../../src/model/k8s.ts";
import { applicationFor } from "../../../src/render/argocd.ts";
import { missingNamespaces } from "../../../src/render/transforms.ts";
import { requireTool } from "../../helpers/tools.ts";
import { startControlPlane } from "../cluster/harness.ts";
import { controlPlaneTools } from "../cluster/tools.ts";
import { renderPinnedChart } from "./pinned-chart.ts";

const run = promisify(execFile);

const ctx: RenderContext = {
  env: "staging",
  profile: "full",
  gitops: { repoURL: "https://github.com/acme/platform.git", revision: "main", path: "manifests-result/staging" },
  has: (c) => c === "traefik",
  optionsOf: () => {
    throw new Error("not needed");
  },
};

const withNamespace = (objects: KubeObject[], namespace: string) =>
  objects.map((o) => (o.metadata.namespace || isClusterScoped(o) ? o : { ...o, metadata: { ...o.metadata, namespace } }));
const isClusterScoped = (o: KubeObject) => ["CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding", "Namespace"].includes(o.kind);

test("edge and GitOps objects in a real API server with Pod Security restricted", { timeout: 600_000 }, async (t) => {
  const tools = controlPlaneTools(t);
  const kubectl = requireTool(t, "kubectl");
  if (!tools || !kubectl) return;

  // Everything the three components render, charts included (skips here when a chart is not available offline).
  const apps: App[] = [
    ...traefik.render(ctx, traefik.defaults(ctx)),
    ...argocd.render(ctx, argocd.defaults(ctx)),
    ...cloudflared.render(ctx, cloudflared.defaults(ctx)),
  ];
  const objectsByApp = new Map<string, KubeObject[]>();
  for (const app of apps) {
    const charted: KubeObject[] = [];
    for (const input of app.charts ?? []) {
      const rendered = await renderPinnedChart(t, input, app.namespace);
      if (!rendered) return;
      charted.push(...rendered);
    }
    objectsByApp.set(app.name, withNamespace([...charted, ...(app.objects ?? [])], app.namespace));
  }
  const child = applicationFor({
    app: "traefik",
    namespace: "edge",
    env: "staging",
    syncWave: 5,
    repoURL: ctx.gitops.repoURL,
    revision: "main",
    outPath: "manifests-result",
  });
  objectsByApp.set("argocd", [...(objectsByApp.get("argocd") ?? []), child]);

  const cp = await startControlPlane(tools, { nodes: 2, persistentVolumes: 0 });
  const dir = await mkdtemp(join(tmpdir(), "kindling-edge-"));
  t.after(async () => {
    await cp.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const k = (...args: string[]) => run(kubectl, ["--kubeconfig", cp.kubeconfig, ...args], { maxBuffer: 64 * 1024 * 1024 });
  let n = 0;
  const apply = async (objects: KubeObject[]) => {
    const file = join(dir, `batch-${n++}.json`);
    await writeFile(file, JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }));
    await k("apply", "--server-side", "--field-manager=kindling-test", "-f", file);
  };

  const all = [...objectsByApp.values()].flat();
  const namespaces = missingNamespaces(all);
  await t.test("the generated namespaces enforce Pod Security restricted", async () => {
    assert.deepEqual(namespaces.map((ns) => ns.metadata.name).sort(), ["apps", "argocd", "edge"]);
    for (const ns of namespaces) assert.equal(ns.metadata.labels?.["pod-security.kubernetes.io/enforce"], "restricted");
    await apply(namespaces);
  });

  await t.test("the server accepts the CRDs, then every object by server-side apply", async () => {
    const crds = all.filter((o) => o.kind === "CustomResourceDefinition");
    await apply(crds);
    await k("wait", "--for=condition=Established", "--timeout=60s", ...crds.map((c) => `crd/${c.metadata.name}`));
    for (const app of ["traefik", "argocd", "traefik-routes", "cloudflared"]) {
      await apply((objectsByApp.get(app) ?? []).filter((o) => o.kind !== "CustomResourceDefinition"));
    }
    const { stdout } = await k("get", "middlewares.traefik.io", "-n", "apps", "-o", "name");
    assert.equal(stdout.trim().split("\n").length, 6, stdout);
    const root = JSON.parse((await k("get", "applications.argoproj.io", "root", "-n", "argocd", "-o", "json")).stdout);
    assert.equal(root.spec.source.path, "manifests-result/staging/apps");
  });

  await t.test("every Deployment becomes available: Pod Security restricted admits all pods", async () => {
    const expected = [
      "argocd/argocd-applicationset-controller",
      "argocd/argocd-redis",
      "argocd/argocd-repo-server",
      "argocd/argocd-server",
      "edge/cloudflared",
      "edge/traefik",
    ];
    const deadline = Date.now() + 120_000;
    let last = "";
    while (Date.now() < deadline) {
      const list = JSON.parse((await k("get", "deployments", "-A", "-o", "json")).stdout) as {
        items: { metadata: { namespace: string; name: string }; spec: { replicas: number }; status: { availableReplicas?: number } }[];
      };
      const notReady = list.items.filter((d) => (d.status.availableReplicas ?? 0) < d.spec.replicas);
      last = notReady.map((d) => `${d.metadata.namespace}/${d.metadata.name}`).join(", ");
      if (notReady.length === 0) {
        assert.deepEqual(list.items.map((d) => `${d.metadata.namespace}/${d.metadata.name}`).sort(), expected);
        return;
      }
      await sleep(1000);
    }
    const events = (
      await k("get", "events", "-A", "--field-selector=reason=FailedCreate", "-o", "custom-columns=OBJ:.involvedObject.name,MSG:.message")
    ).stdout;
    assert.fail(`not available after 120s: ${last}\n${events}`);
  });

  await t.test("control: a pod that is not restricted is refused in the same namespace", async () => {
    const labels = { app: "insecure" };
    await apply([
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "insecure", namespace: "edge" },
        spec: {
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [{ name: "c", image: "busybox" }] } },
        },
      },
    ]);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const { stdout } = await k(
        "get",
        "events",
        "-n",
        "edge",
        "--field-selector=reason=FailedCreate",
        "-o",
        "jsonpath={.items[*].message}",
      );
      if (/violates PodSecurity "restricted/.test(stdout)) return;
      await sleep(1000);
    }
    assert.fail("the insecure Deployment's pods were not refused: Pod Security is not enforced, so the test above proves nothing");
  });

  await t.test("the application controller StatefulSet runs too", async () => {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const sts = JSON.parse((await k("get", "statefulset", "argocd-application-controller", "-n", "argocd", "-o", "json")).stdout);
      if ((sts.status.readyReplicas ?? 0) === sts.spec.replicas) return;
      await sleep(1000);
    }
    assert.fail("argocd-application-controller not ready after 60s");
  });
});
