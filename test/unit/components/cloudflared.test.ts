import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type CloudflaredOptions, cloudflared } from "../../../src/components/cloudflared.ts";
import type { RenderContext } from "../../../src/components/types.ts";
import { deepMerge, resolveEnvironment } from "../../../src/config/resolve.ts";
import type { ConfigIssue } from "../../../src/config/schema.ts";
import type { KubeObject } from "../../../src/model/k8s.ts";
import { checkWorkloadSecurity } from "../../../src/policy/security.ts";

function resolve(overrides: unknown = {}, env = "local") {
  const issues: ConfigIssue[] = [];
  const options = cloudflared.options.check(
    deepMerge(cloudflared.defaults({ env, profile: "dev-fast" }), overrides),
    "cloudflared",
    issues,
  );
  return { options: options as CloudflaredOptions, issues };
}

const ctx = (has: string[] = ["traefik"]): RenderContext => ({
  env: "local",
  profile: "dev-fast",
  gitops: { repoURL: "https://example.com/p.git", revision: "main", path: "manifests-result/local" },
  has: (name) => has.includes(name),
  optionsOf: () => {
    throw new Error("not needed");
  },
});

const platform = (components: unknown) => ({
  gitops: { repoURL: "https://example.com/p.git" },
  environments: { local: { profile: "dev-fast", components } },
});

describe("cloudflared options", () => {
  it("is optional and off by default; enabled: true turns it on", () => {
    assert.equal(cloudflared.optional, true);
    const present = (components: unknown) =>
      resolveEnvironment(platform(components), "local", { file: "test" }).components.some((c) => c.component.name === "cloudflared");
    assert.equal(present({}), false);
    assert.equal(present({ cloudflared: { enabled: true } }), true);
  });

  it("refuses a literal token field, saying where the token goes", () => {
    const { issues } = resolve({ token: "eyJhIjoiMTIzIn0=" });
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.path, "cloudflared.token");
    assert.match(issues[0]?.message ?? "", /never goes into the config.*Secret named by tokenSecret\.name.*SOPS/);
  });

  it("refuses a token pasted where the Secret name goes", () => {
    for (const name of ["eyJhIjoiYWJjIiwidCI6ImRlZiJ9", "eyjhijoiywjjiiwidci6imrlzij9"]) {
      const { issues } = resolve({ tokenSecret: { name } });
      assert.equal(issues[0]?.path, "cloudflared.tokenSecret.name");
      assert.match(issues[0]?.message ?? "", /looks like a tunnel token, not a Secret name/);
    }
    assert.match(resolve({ tokenSecret: { name: "Not_A_Name" } }).issues[0]?.message ?? "", /lower-case DNS name/);
  });

  it("wants the image pinned", () => {
    assert.equal(resolve({ image: "cloudflare/cloudflared" }).issues[0]?.path, "cloudflared.image");
    assert.deepEqual(resolve({ image: "cloudflare/cloudflared:2026.8.2" }).issues, []);
  });
});

describe("cloudflared render", () => {
  const [app] = cloudflared.render(ctx(), resolve().options);
  const deployment = app?.objects?.find((o) => o.kind === "Deployment") as KubeObject;
  const pod = (deployment.spec as { template: { spec: Record<string, unknown> } }).template.spec;
  const container = (pod.containers as Record<string, unknown>[])[0] as Record<string, unknown>;

  it("runs in edge after Traefik", () => {
    assert.equal(app?.namespace, "edge");
    assert.deepEqual(app?.dependsOn, ["traefik"]);
    assert.deepEqual(cloudflared.render(ctx([]), resolve().options)[0]?.dependsOn, []);
  });

  it("reads the token from the Secret as a file, never as a literal or an env var", () => {
    assert.deepEqual((container.args as string[]).slice(-2), ["--token-file", "/etc/cloudflared/token/token"]);
    assert.equal(container.env, undefined);
    assert.deepEqual((pod.volumes as unknown[])[0], {
      name: "token",
      secret: { secretName: "cloudflared-token", items: [{ key: "token", path: "token" }], defaultMode: 0o440 },
    });
    assert.equal(
      app?.objects?.some((o) => o.kind === "Secret"),
      false,
    );
  });

  it("is secure and sized by default", () => {
    assert.deepEqual(checkWorkloadSecurity(app?.objects ?? []), []);
    assert.equal(pod.automountServiceAccountToken, false);
    assert.equal((pod.securityContext as { runAsUser: number }).runAsUser, 65532);
  });

  it("reports readiness from the edge connection and adds a PDB with more than one replica", () => {
    assert.deepEqual((container.readinessProbe as { httpGet: unknown }).httpGet, { path: "/ready", port: "metrics" });
    assert.equal(
      app?.objects?.some((o) => o.kind === "PodDisruptionBudget"),
      false,
    );
    const staging = cloudflared.render(ctx(), resolve({}, "staging").options)[0];
    assert.equal(staging?.objects?.find((o) => o.kind === "PodDisruptionBudget")?.apiVersion, "policy/v1");
  });
});
