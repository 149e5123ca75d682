import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { AnyComponent, App } from "../../../src/components/types.ts";
import type { ResolvedEnvironment } from "../../../src/config/resolve.ts";
import * as s from "../../../src/config/schema.ts";
import { renderEnvironment } from "../../../src/render/render-environment.ts";
import { ValidationError } from "../../../src/render/types.ts";
import { cacheDir } from "../../../src/tools/locate.ts";
import { requireTool } from "../../helpers/tools.ts";

const root = new URL("../../..", import.meta.url).pathname;

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.org
spec:
  group: example.org
  names: { kind: Widget, plural: widgets, singular: widget, listKind: WidgetList }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size]
              properties:
                size: { type: integer, minimum: 1 }
`;

const widget = (size: unknown) => `apiVersion: example.org/v1
kind: Widget
metadata:
  name: small
spec:
  size: ${JSON.stringify(size)}
`;

/** One app fed by all four inputs: typed objects, Kustomize, plain YAML files (and a CRD among them). */
function environment(files: string[]): ResolvedEnvironment {
  const demo: AnyComponent = {
    name: "demo",
    description: "test component with every kind of input",
    profiles: ["dev-fast"],
    options: s.object({}),
    defaults: () => ({}),
    render: (): App[] => [
      {
        name: "demo",
        namespace: "demo",
        objects: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "typed" }, data: { a: "1" } }],
        kustomize: ["test/fixtures/kustomize/overlay"],
        files: ["test/fixtures/kustomize/plain/extras.yaml", ...files],
      },
    ],
  };
  return {
    platform: "kindling",
    env: "local",
    profile: "dev-fast",
    gitops: { repoURL: "https://github.com/acme/platform.git", revision: "main" },
    charts: { local: {} },
    components: [{ component: demo, options: {} }],
  };
}

const charts = { lockFile: join(root, "charts.lock.yaml"), cacheDir: cacheDir(), localCharts: {}, offline: true };

describe("typed objects, Kustomize and plain YAML go through one pipeline", () => {
  it("labels, namespaces, classifies and validates objects from every input alike", async (t) => {
    if (!requireTool(t, "kubectl")) return;
    const dir = mkdtempSync(join(tmpdir(), "kindling-inputs-"));
    writeFileSync(join(dir, "crd.yaml"), CRD);
    writeFileSync(join(dir, "widget.yaml"), widget(3));
    const env = await renderEnvironment(environment([join(dir, "crd.yaml"), join(dir, "widget.yaml")]), {
      root,
      charts,
      outPath: "manifests-result",
    });
    const demo = env.apps.find((a) => a.name === "demo");
    assert.ok(demo);
    const byName = new Map(demo.objects.map((o) => [`${o.object.kind}/${o.object.metadata.name}`, o]));
    // From each input:
    assert.equal(byName.get("ConfigMap/typed")?.source, "typed");
    assert.match(byName.get("Deployment/dev-web")?.source ?? "", /kustomiz/);
    assert.match(byName.get("ConfigMap/flags")?.source ?? "", /extras\.yaml/);
    // The same transforms for all:
    for (const o of demo.objects) assert.equal(o.object.metadata.labels?.["kindling.dev/app"], "demo", `${o.file} labelled`);
    assert.equal(byName.get("ConfigMap/typed")?.object.metadata.namespace, "demo", "namespace filled from the app");
    assert.equal(byName.get("Deployment/dev-web")?.object.metadata.namespace, "shop", "Kustomize's namespace kept");
    assert.equal(byName.get("Widget/small")?.object.metadata.namespace, "demo");
    assert.equal(byName.get("CustomResourceDefinition/widgets.example.org")?.object.metadata.namespace, undefined, "cluster-scoped: none");
    // Classification:
    assert.equal(byName.get("CustomResourceDefinition/widgets.example.org")?.class, "crd");
    assert.equal(byName.get("Namespace/shop")?.class, "namespace");
    assert.equal(byName.get("Deployment/dev-web")?.class, "object");
  });

  it("a custom resource from a plain file is checked against the CRD in the same render", async (t) => {
    if (!requireTool(t, "kubectl")) return;
    const dir = mkdtempSync(join(tmpdir(), "kindling-inputs-"));
    writeFileSync(join(dir, "crd.yaml"), CRD);
    writeFileSync(join(dir, "widget.yaml"), widget(0));
    await assert.rejects(
      renderEnvironment(environment([join(dir, "crd.yaml"), join(dir, "widget.yaml")]), { root, charts, outPath: "manifests-result" }),
      (err: unknown) => {
        assert.ok(err instanceof ValidationError);
        assert.equal(err.issues.length, 1);
        const [issue] = err.issues;
        assert.equal(issue?.app, "demo");
        assert.equal(issue?.kind, "Widget");
        assert.equal(issue?.path, "spec.size");
        assert.match(issue?.source ?? "", /widget\.yaml/);
        return true;
      },
    );
  });
});
