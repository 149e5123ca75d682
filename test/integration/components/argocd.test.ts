/** The Argo CD component through the real helm on the pinned argo-cd chart (10.1.1), and the Applications against its CRDs. */
import assert from "node:assert/strict";
import { describe, it, type TestContext } from "node:test";
import { type ArgocdOptions, argocd } from "../../../src/components/argocd.ts";
import { APPLICATION_HEALTH_LUA } from "../../../src/components/lib/argocd-sync.ts";
import type { ChartInput, RenderContext } from "../../../src/components/types.ts";
import type { KubeObject } from "../../../src/model/k8s.ts";
import { checkWorkloadSecurity } from "../../../src/policy/security.ts";
import { applicationFor } from "../../../src/render/argocd.ts";
import { createValidator } from "../../../src/validate/index.ts";
import { requireTool } from "../../helpers/tools.ts";
import { chartDefaultValues, find, offlineChartSources, renderOffline, unknownValuePaths } from "./pinned-chart.ts";

const ctx: RenderContext = {
  env: "staging",
  profile: "full",
  gitops: { repoURL: "https://github.com/acme/platform.git", revision: "main", path: "manifests-result/staging" },
  has: () => false,
  optionsOf: () => {
    throw new Error("not needed");
  },
};
const options = argocd.defaults(ctx) as ArgocdOptions;
const [app] = argocd.render(ctx, options);
const chartInput = app?.charts?.[0] as ChartInput;

let rendered: ReturnType<typeof renderOffline> | undefined;
/** One helm run shared by the tests; each skips with the reason when helm or the chart is missing. */
async function render(t: TestContext): Promise<KubeObject[] | undefined> {
  if (!requireTool(t, "helm")) return undefined;
  rendered ??= renderOffline(chartInput, "argocd");
  const result = await rendered;
  if ("missing" in result) {
    t.skip(result.missing);
    return undefined;
  }
  return result.objects;
}

describe("argo-cd chart 10.1.1 with kindling's values (real helm)", () => {
  it("knows every value key we set (the chart has no values.schema.json, so helm would ignore a typo)", async (t) => {
    const helm = requireTool(t, "helm");
    if (!helm) return;
    const found = await offlineChartSources(chartInput);
    if ("missing" in found) return t.skip(found.missing);
    const defaults = chartDefaultValues(helm, found.archive);
    // configs.cm is passed through to the argocd-cm ConfigMap key by key.
    assert.deepEqual(unknownValuePaths(chartInput.values, defaults, ["configs.cm"]), []);
    assert.deepEqual(unknownValuePaths({ server: { servce: {} } }, defaults), ["server.servce"], "the check itself catches a typo");
  });

  it("exposes the server on NodePorts 30080 and 30443", async (t) => {
    const objects = await render(t);
    if (!objects) return;
    const spec = find(objects, "Service", "argocd-server").spec as { type: string; ports: { name: string; nodePort?: number }[] };
    assert.equal(spec.type, "NodePort");
    assert.deepEqual(
      spec.ports.map((p) => [p.name, p.nodePort]),
      [
        ["http", 30080],
        ["https", 30443],
      ],
    );
  });

  it("runs every Argo CD workload restricted and sized: no security findings", async (t) => {
    const objects = await render(t);
    if (!objects) return;
    const workloads = objects
      .filter((o) => ["Deployment", "StatefulSet", "Job"].includes(o.kind))
      .map((o) => `${o.kind}/${o.metadata.name}`);
    assert.deepEqual(workloads.sort(), [
      "Deployment/argocd-applicationset-controller",
      "Deployment/argocd-redis",
      "Deployment/argocd-repo-server",
      "Deployment/argocd-server",
      "Job/argocd-redis-secret-init",
      "StatefulSet/argocd-application-controller",
    ]);
    assert.deepEqual(checkWorkloadSecurity(objects), []);
  });

  it("writes the Application health check into argocd-cm and leaves Dex out", async (t) => {
    const objects = await render(t);
    if (!objects) return;
    const cm = find(objects, "ConfigMap", "argocd-cm").data as Record<string, string>;
    assert.equal(cm["resource.customizations.health.argoproj.io_Application"], APPLICATION_HEALTH_LUA);
    assert.equal(cm["admin.enabled"], "true");
    assert.equal(
      objects.some((o) => o.metadata.name.includes("dex")),
      false,
    );
  });

  it("renders only objects that pass schema validation", async (t) => {
    const objects = await render(t);
    if (!objects) return;
    const validator = await createValidator(objects);
    for (const o of objects) assert.deepEqual(validator.validate(o), [], `${o.kind} ${o.metadata.name}`);
  });

  it("ships the Application CRD (server-side apply) and our Applications validate against it", async (t) => {
    const objects = await render(t);
    if (!objects) return;
    const crds = objects.filter((o) => o.kind === "CustomResourceDefinition");
    assert.deepEqual(crds.map((c) => c.metadata.name).sort(), [
      "applications.argoproj.io",
      "applicationsets.argoproj.io",
      "appprojects.argoproj.io",
    ]);
    for (const crd of crds) assert.equal(crd.metadata.annotations?.["argocd.argoproj.io/sync-options"], "ServerSideApply=true");
    const root = app?.objects?.find((o) => o.kind === "Application") as KubeObject;
    const child = applicationFor({
      app: "traefik",
      namespace: "edge",
      env: "staging",
      syncWave: 2,
      repoURL: ctx.gitops.repoURL,
      revision: "main",
      outPath: "manifests-result",
    });
    const validator = await createValidator([...crds, root, child]);
    assert.equal(validator.schemaSource("argoproj.io/v1alpha1", "Application"), "crd");
    assert.deepEqual(validator.validate(root), []);
    assert.deepEqual(validator.validate(child), []);
  });
});
