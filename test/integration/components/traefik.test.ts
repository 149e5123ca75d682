/** The Traefik component through the real helm on the pinned chart (41.3.0), and our CRs against the chart's own CRDs. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AMBIENT_LABEL } from "../../../src/components/istio.ts";
import { MIDDLEWARES } from "../../../src/components/lib/traefik-middlewares.ts";
import { type TraefikOptions, traefik } from "../../../src/components/traefik.ts";
import type { ChartInput, RenderContext } from "../../../src/components/types.ts";
import { deepMerge } from "../../../src/config/resolve.ts";
import type { ConfigIssue } from "../../../src/config/schema.ts";
import type { KubeObject } from "../../../src/model/k8s.ts";
import { checkWorkloadSecurity } from "../../../src/policy/security.ts";
import { createValidator } from "../../../src/validate/index.ts";
import { find, renderPinnedChart } from "./pinned-chart.ts";

const ctx: RenderContext = {
  env: "staging",
  profile: "full",
  gitops: { repoURL: "https://example.com/p.git", revision: "main", path: "manifests-result/staging" },
  has: () => false,
  optionsOf: () => {
    throw new Error("not needed");
  },
};
const issues: ConfigIssue[] = [];
const options = traefik.options.check(
  deepMerge(traefik.defaults(ctx), { routes: { shop: { host: "shop.localtest.me", service: "shop", port: 8080 } } }),
  "traefik",
  issues,
) as TraefikOptions;
const [edge, routes] = traefik.render(ctx, options);
const chartInput = edge?.charts?.[0] as ChartInput;

describe("traefik chart 41.3.0 with kindling's values (real helm)", () => {
  it("options are valid", () => assert.deepEqual(issues, []));

  it("accepts every value we pass (the chart's values.schema.json is strict) and exposes NodePorts 30081/30444", async (t) => {
    const objects = await renderPinnedChart(t, chartInput, "edge");
    if (!objects) return;
    const service = find(objects, "Service", "traefik");
    const spec = service.spec as { type: string; ports: { name: string; nodePort?: number }[] };
    assert.equal(spec.type, "NodePort");
    assert.equal(spec.ports.find((p) => p.name === "web")?.nodePort, 30081);
    assert.equal(spec.ports.find((p) => p.name === "websecure")?.nodePort, 30444);
    assert.equal(service.metadata.namespace, "edge");
  });

  it("runs Traefik restricted and sized: no security findings in the chart's workloads", async (t) => {
    const objects = await renderPinnedChart(t, chartInput, "edge");
    if (!objects) return;
    const deployment = find(objects, "Deployment", "traefik");
    assert.equal((deployment.spec as { replicas: number }).replicas, 2);
    assert.deepEqual(checkWorkloadSecurity(objects), []);
  });

  it("keeps cross-namespace references off and the version check quiet", async (t) => {
    const objects = await renderPinnedChart(t, chartInput, "edge");
    if (!objects) return;
    const args = ((find(objects, "Deployment", "traefik").spec as { template: { spec: { containers: { args: string[] }[] } } }).template
      .spec.containers[0]?.args ?? []) as string[];
    assert.ok(args.includes("--providers.kubernetescrd"), args.join(" "));
    assert.equal(
      args.some((a) => /allowCrossNamespace=true/i.test(a)),
      false,
    );
    assert.ok(args.includes("--global.checkNewVersion=false"), args.join(" "));
    assert.equal(
      objects.some((o) => o.kind === "IngressRoute"),
      false,
      "the dashboard route stays off",
    );
    assert.equal(objects.find((o) => o.kind === "PodDisruptionBudget")?.metadata.name, "traefik");
  });

  it("joins the ambient mesh under Istio: pods labelled for ztunnel, routes sent to Service addresses", async (t) => {
    const meshed = traefik.render({ ...ctx, has: (c) => c === "istio" }, options)[0]?.charts?.[0] as ChartInput;
    const objects = await renderPinnedChart(t, meshed, "edge");
    if (!objects) return;
    type Template = { metadata: { labels: Record<string, string> }; spec: { containers: { args: string[] }[] } };
    const template = (find(objects, "Deployment", "traefik").spec as { template: Template }).template;
    assert.equal(template.metadata.labels[AMBIENT_LABEL], "ambient");
    const args = template.spec.containers[0]?.args ?? [];
    assert.ok(args.includes("--providers.kubernetescrd.nativeLBByDefault=true"), args.join(" "));
    assert.ok(args.includes("--providers.kubernetesingress.nativeLBByDefault=true"), args.join(" "));
    assert.deepEqual(checkWorkloadSecurity(objects), []);
    // Without Istio neither is set.
    const plain = await renderPinnedChart(t, chartInput, "edge");
    const plainTemplate = (find(plain ?? [], "Deployment", "traefik").spec as { template: Template }).template;
    assert.equal(plainTemplate.metadata.labels[AMBIENT_LABEL], undefined);
    assert.equal(
      plainTemplate.spec.containers[0]?.args.some((a) => a.includes("nativeLBByDefault")),
      false,
    );
  });

  it("renders only objects that pass schema validation (PodDisruptionBudget on policy/v1)", async (t) => {
    const objects = await renderPinnedChart(t, chartInput, "edge");
    if (!objects) return;
    assert.equal(find(objects, "PodDisruptionBudget", "traefik").apiVersion, "policy/v1");
    const validator = await createValidator(objects);
    for (const o of objects) assert.deepEqual(validator.validate(o), [], `${o.kind} ${o.metadata.name}`);
  });

  it("ships the CRDs our middlewares and routes need, and they validate against them", async (t) => {
    const objects = await renderPinnedChart(t, chartInput, "edge");
    if (!objects) return;
    const crds = objects.filter((o) => o.kind === "CustomResourceDefinition");
    for (const name of ["middlewares.traefik.io", "ingressroutes.traefik.io"]) {
      assert.ok(
        crds.some((c) => c.metadata.name === name),
        `CRD ${name} missing`,
      );
    }
    const ours = (routes?.objects ?? []).map((o): KubeObject => ({ ...o, metadata: { ...o.metadata, namespace: "apps" } }));
    const validator = await createValidator([...crds, ...ours]);
    assert.equal(validator.schemaSource("traefik.io/v1alpha1", "Middleware"), "crd");
    for (const o of ours) assert.deepEqual(validator.validate(o), [], `${o.kind} ${o.metadata.name}`);
    assert.deepEqual(
      ours
        .filter((o) => o.kind === "Middleware")
        .map((o) => o.metadata.name)
        .sort(),
      Object.values(MIDDLEWARES).sort(),
    );
  });
});
