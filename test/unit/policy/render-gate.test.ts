/** The security gate inside the real render pipeline: a workload kindling writes itself that is not restricted fails the build. */
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { restrictedContainerSecurity, restrictedPodSecurity } from "../../../src/components/lib/workload.ts";
import { type AnyComponent, defineComponent } from "../../../src/components/types.ts";
import type { ResolvedEnvironment } from "../../../src/config/resolve.ts";
import * as s from "../../../src/config/schema.ts";
import type { KubeObject } from "../../../src/model/k8s.ts";
import { renderEnvironment } from "../../../src/render/render-environment.ts";
import { ValidationError } from "../../../src/render/types.ts";

function deployment(container: Record<string, unknown>, podSecurity?: Record<string, unknown>): KubeObject {
  const labels = { "app.kubernetes.io/name": "web" };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web" },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { ...(podSecurity ? { securityContext: podSecurity } : {}), containers: [container] } },
    },
  };
}

function environment(object: KubeObject): ResolvedEnvironment {
  const component: AnyComponent = defineComponent<Record<string, never>>({
    name: "demo",
    description: "test",
    profiles: ["dev-fast"],
    options: s.object({}),
    defaults: () => ({}),
    render: () => [{ name: "demo", namespace: "demo", objects: [object] }],
  });
  return {
    platform: "test",
    env: "local",
    profile: "dev-fast",
    gitops: { repoURL: "https://example.com/p.git", revision: "main" },
    charts: { local: {} },
    components: [{ component, options: {} }],
  };
}

const render = (object: KubeObject) =>
  renderEnvironment(environment(object), {
    root: tmpdir(),
    outPath: "manifests-result",
    charts: { lockFile: join(tmpdir(), "none.lock.yaml"), cacheDir: join(tmpdir(), "kindling-none"), offline: true },
  });

describe("security gate in renderEnvironment", () => {
  it("fails the build on a typed workload without limits or a restricted security context, naming each rule", async () => {
    await assert.rejects(render(deployment({ name: "web", image: "nginx:1.27" })), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      const messages = err.issues.map((i) => `${i.path}: ${i.message}`);
      for (const rule of ["resources", "runAsNonRoot", "readOnlyRootFilesystem", "dropAllCapabilities", "seccompRuntimeDefault"]) {
        assert.ok(
          messages.some((m) => m.includes(`(secure by default: ${rule})`)),
          `${rule} missing in:\n${messages.join("\n")}`,
        );
      }
      assert.ok(
        messages.includes(
          "spec.template.spec.containers[0].resources: container web: no cpu request, memory request, cpu limit, memory limit (secure by default: resources)",
        ),
      );
      assert.equal(err.issues[0]?.namespace, "demo");
      return true;
    });
  });

  it("passes a workload built with the restricted helpers", async () => {
    const secure = deployment(
      {
        name: "web",
        image: "nginx:1.27",
        resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
        securityContext: restrictedContainerSecurity(),
      },
      restrictedPodSecurity(101),
    );
    const rendered = await render(secure);
    assert.ok(rendered.apps.some((a) => a.name === "demo"));
  });
});
