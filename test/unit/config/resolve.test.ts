import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, resolveEnvironment } from "../../../src/config/resolve.ts";

const base = {
  gitops: { repoURL: "https://github.com/acme/platform.git" },
  environments: {
    local: { profile: "dev-fast" },
    staging: { profile: "full", components: { traefik: { replicas: 2 } } },
  },
};

function issuesOf(def: unknown, env = "local", profile?: string) {
  try {
    resolveEnvironment(def, env, { file: "kindling.config.ts", profile });
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
    return err;
  }
  assert.fail("expected the definition to be rejected");
}

const withEnv = (env: Record<string, unknown>) => ({ ...base, environments: { ...base.environments, local: env } });

describe("resolveEnvironment", () => {
  it("resolves defaults and overrides per environment", () => {
    const local = resolveEnvironment(base, "local", { file: "k.ts" });
    const staging = resolveEnvironment(base, "staging", { file: "k.ts" });
    const opts = (e: typeof local, n: string) => e.components.find((c) => c.component.name === n)?.options as Record<string, unknown>;
    assert.equal(opts(local, "traefik").replicas, 1);
    assert.equal(opts(staging, "traefik").replicas, 2);
    assert.equal(opts(staging, "traefik").httpNodePort, 30081);
    assert.equal(local.gitops.revision, "main");
  });

  it("names the environment, the option path and what is allowed for a wrong type", () => {
    const err = issuesOf(withEnv({ profile: "dev-fast", components: { traefik: { replicas: "two" } } }));
    assert.equal(err.env, "local");
    assert.deepEqual(err.issues, [
      { path: "environments.local.components.traefik.replicas", message: 'expected an integer from 1 to 10, got string "two"' },
    ]);
    assert.match(err.message, /environment "local"/);
  });

  it("rejects an unknown option with a suggestion", () => {
    const err = issuesOf(withEnv({ profile: "dev-fast", components: { traefik: { replica: 2 } } }));
    assert.equal(err.issues[0]?.path, "environments.local.components.traefik.replica");
    assert.match(err.issues[0]?.message ?? "", /unknown option \(did you mean "replicas"\?\); allowed here: .*\breplicas\b/);
  });

  it("rejects an unknown component, listing the known ones", () => {
    const err = issuesOf(withEnv({ profile: "dev-fast", components: { trafik: {} } }));
    assert.equal(err.issues[0]?.path, "environments.local.components.trafik");
    assert.match(err.issues[0]?.message ?? "", /unknown component \(did you mean "traefik"\?\); allowed: .*\btraefik, postgresql\b/);
  });

  it("rejects an unknown profile, from the config or from --profile", () => {
    const fromConfig = issuesOf(withEnv({ profile: "fast" }));
    assert.deepEqual(fromConfig.issues, [
      { path: "environments.local.profile", message: 'unknown profile "fast"; allowed: dev-fast, cilium, full' },
    ]);
    const fromFlag = issuesOf(base, "local", "huge");
    assert.equal(fromFlag.issues[0]?.path, "--profile");
  });

  it("rejects two components claiming one NodePort", () => {
    const err = issuesOf(withEnv({ profile: "dev-fast", components: { traefik: { httpsNodePort: 30081 } } }));
    assert.deepEqual(err.issues, [
      {
        path: "environments.local.components.traefik.httpsNodePort",
        message: "NodePort 30081 is already claimed by environments.local.components.traefik.httpNodePort; each NodePort may be used once",
      },
    ]);
  });

  it("rejects a NodePort outside the NodePort range", () => {
    const err = issuesOf(withEnv({ profile: "dev-fast", components: { traefik: { httpNodePort: 8080 } } }));
    assert.match(err.issues[0]?.message ?? "", /expected an integer from 30000 to 32767, got number 8080/);
  });

  it("reports a missing required value", () => {
    const def = { environments: { local: { profile: "dev-fast" } } };
    const err = issuesOf(def);
    assert.equal(err.issues[0]?.path, "environments.local.gitops.repoURL");
    assert.match(err.issues[0]?.message ?? "", /missing required value/);
  });

  it("rejects an environment name that cannot be a folder and an Argo CD path segment", () => {
    for (const name of ["../escape", "", "Prod", "a b", ".hidden", "apps/x"]) {
      const err = issuesOf({ ...base, environments: { [name]: { profile: "dev-fast" } } }, name);
      assert.match(err.message, /environments\..*: environment names are folder names/, `name ${JSON.stringify(name)}`);
    }
  });

  it("reports an unknown environment with the defined ones", () => {
    const err = issuesOf(base, "stagin");
    assert.match(err.issues[0]?.message ?? "", /unknown environment \(did you mean "staging"\?\); defined: local, staging/);
  });

  it("collects every issue in one run", () => {
    const err = issuesOf(withEnv({ profile: "dev-fast", extra: 1, components: { traefik: { replicas: 0, logLevel: "LOUD" } } }));
    assert.deepEqual(
      err.issues.map((i) => i.path),
      ["environments.local.extra", "environments.local.components.traefik.replicas", "environments.local.components.traefik.logLevel"],
    );
    assert.match(err.issues[2]?.message ?? "", /one of "DEBUG", "INFO", "WARN", "ERROR"/);
  });

  it("checks nested options and quantities", () => {
    const err = issuesOf(
      withEnv({ profile: "dev-fast", components: { postgresql: { resources: { memoryLimit: "lots" }, databases: { "Bad-Name": {} } } } }),
    );
    assert.deepEqual(
      err.issues.map((i) => i.path),
      ["environments.local.components.postgresql.resources.memoryLimit", "environments.local.components.postgresql.databases.Bad-Name"],
    );
  });

  it("lets an environment turn a component off", () => {
    const env = resolveEnvironment(withEnv({ profile: "dev-fast", components: { postgresql: { enabled: false } } }), "local", {
      file: "k.ts",
    });
    const names = env.components.map((c) => c.component.name);
    assert.ok(!names.includes("postgresql"), names.join(", "));
    assert.ok(names.includes("traefik"), names.join(", "));
  });
});
