import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type ArgocdOptions, argocd } from "../../../src/components/argocd.ts";
import { APPLICATION_HEALTH_LUA } from "../../../src/components/lib/argocd-sync.ts";
import { argocdValues } from "../../../src/components/lib/argocd-values.ts";
import type { RenderContext } from "../../../src/components/types.ts";
import { deepMerge } from "../../../src/config/resolve.ts";
import type { ConfigIssue } from "../../../src/config/schema.ts";

function resolve(overrides: unknown = {}) {
  const issues: ConfigIssue[] = [];
  const options = argocd.options.check(deepMerge(argocd.defaults({ env: "staging", profile: "full" }), overrides), "argocd", issues);
  return { options: options as ArgocdOptions, issues };
}

const ctx: RenderContext = {
  env: "prod",
  profile: "full",
  gitops: { repoURL: "https://github.com/acme/platform.git", revision: "release", path: "manifests-result/prod" },
  has: () => false,
  optionsOf: () => {
    throw new Error("not needed");
  },
};

describe("argocd component", () => {
  const { options, issues } = resolve();
  const [app] = argocd.render(ctx, options);

  it("is part of the full profile only", () => {
    assert.deepEqual(argocd.profiles, ["full"]);
    assert.deepEqual(issues, []);
  });

  it("claims NodePorts 30080/30443 and passes them to the server Service", () => {
    assert.deepEqual(argocd.nodePorts?.(options), [
      { port: 30080, option: "httpNodePort" },
      { port: 30443, option: "httpsNodePort" },
    ]);
    const server = argocdValues(options).server as { service: unknown };
    assert.deepEqual(server.service, { type: "NodePort", nodePortHttp: 30080, nodePortHttps: 30443 });
  });

  it("installs the pinned argo-cd chart into the argocd namespace", () => {
    assert.equal(app?.name, "argocd");
    assert.equal(app?.namespace, "argocd");
    assert.deepEqual(app?.charts?.[0]?.chart, {
      name: "argo-cd",
      repository: "https://argoproj.github.io/argo-helm",
      chart: "argo-cd",
      version: "10.1.1",
    });
  });

  it("sizes every part for a laptop: requests and limits everywhere", () => {
    const v = argocdValues(options) as Record<string, Record<string, unknown>>;
    for (const part of ["controller", "server", "repoServer", "applicationSet", "notifications", "redis", "redisSecretInit"]) {
      const r = v[part]?.resources as { requests: Record<string, string>; limits: Record<string, string> };
      assert.ok(r.requests.cpu && r.requests.memory && r.limits.cpu && r.limits.memory, `${part} has requests and limits`);
    }
    assert.deepEqual((v.repoServer?.copyutil as { resources: unknown } | undefined)?.resources, {
      requests: { cpu: "10m", memory: "32Mi" },
      limits: { cpu: "100m", memory: "64Mi" },
    });
    assert.deepEqual(v.controller?.resources, { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } });
    assert.deepEqual(v.dex, { enabled: false });
  });

  it("restores Application health so the root waits on each sync wave", () => {
    const cm = (argocdValues(options).configs as { cm: Record<string, unknown> }).cm;
    assert.equal(cm["resource.customizations.health.argoproj.io_Application"], APPLICATION_HEALTH_LUA);
    assert.match(APPLICATION_HEALTH_LUA, /health == "Healthy" and sync == "Synced"/);
  });

  it("renders the root app of apps from the environment's repository and revision", () => {
    const root = app?.objects?.find((o) => o.kind === "Application");
    assert.ok(root);
    assert.equal(root.metadata.name, "root");
    assert.equal(root.metadata.namespace, "argocd");
    assert.equal(root.metadata.finalizers, undefined, "deleting the root must not delete the platform");
    const spec = root.spec as {
      source: Record<string, unknown>;
      destination: unknown;
      syncPolicy: { automated: unknown; syncOptions: string[]; retry: { limit: number; backoff: unknown } };
    };
    assert.deepEqual(spec.source, {
      repoURL: "https://github.com/acme/platform.git",
      targetRevision: "release",
      path: "manifests-result/prod/apps",
      directory: { recurse: false },
    });
    assert.deepEqual(spec.destination, { server: "https://kubernetes.default.svc", namespace: "argocd" });
    assert.deepEqual(spec.syncPolicy.automated, { prune: true, selfHeal: true });
    assert.ok(spec.syncPolicy.syncOptions.includes("ServerSideApply=true"));
    assert.deepEqual(spec.syncPolicy.retry, { limit: 5, backoff: { duration: "5s", factor: 2, maxDuration: "3m" } });
  });

  it("checks its options", () => {
    assert.deepEqual(
      resolve({ httpNodePort: 80, rootApp: "Root", resources: { server: { cpuLimit: "lots" } } }).issues.map((i) => i.path),
      ["argocd.httpNodePort", "argocd.rootApp", "argocd.resources.server.cpuLimit"],
    );
  });
});
