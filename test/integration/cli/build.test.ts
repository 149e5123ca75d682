import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { components } from "../../../src/components/index.ts";
import { KINDLING_BIN, snapshotTree, tempProject, writeConfig } from "../../helpers/project.ts";
import { requireTool } from "../../helpers/tools.ts";

const fixtures = new URL("../../fixtures/charts", import.meta.url).pathname;

function kindling(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, [KINDLING_BIN, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
}

/** Environments without chart-based components, so no chart archive (and no lock file) is needed. */
const noCharts = Object.values(components)
  .filter((c) => (c.charts ?? []).length > 0)
  .map((c) => `"${c.name}": { enabled: false }`)
  .join(", ");
const typedOnly = `{
  gitops: { repoURL: "https://github.com/acme/platform.git" },
  environments: {
    local: { profile: "dev-fast", components: { ${noCharts} } },
    prod: { profile: "full", components: { ${noCharts}, postgresql: { storage: "50Gi" } } },
  },
}`;

describe("kindling CLI", () => {
  it("teaches: --help on every command, with examples and exit codes", () => {
    const top = kindling(process.cwd(), "--help");
    assert.equal(top.status, 0);
    assert.match(top.stdout, /Exit codes:/);
    for (const cmd of ["build", "validate", "doctor", "charts"]) {
      const r = kindling(process.cwd(), cmd, "--help");
      assert.equal(r.status, 0, `${cmd} --help`);
      assert.match(r.stdout, /Examples?:/, `${cmd} --help has examples`);
    }
  });

  it("exits 2 on an unknown command or flag, naming it", () => {
    const cmd = kindling(process.cwd(), "bild");
    assert.equal(cmd.status, 2);
    assert.match(cmd.stderr, /unknown command "bild"/);
    const flag = kindling(process.cwd(), "build", "--envv", "local");
    assert.equal(flag.status, 2);
    assert.match(flag.stderr, /--envv/);
  });

  it("builds the layout, byte-identical twice, with a summary", () => {
    const dir = tempProject(typedOnly);
    const first = kindling(dir, "build");
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stderr, /built 2 environment\(s\): \d+ apps, \d+ objects in \d+ms/);
    const out = join(dir, "manifests-result");
    const tree = snapshotTree(out);
    for (const file of [
      "local/postgresql/StatefulSet-postgresql.yaml",
      "local/postgresql/Service-postgresql.yaml",
      "local/namespaces/Namespace-data.yaml",
      "local/apps/Application-postgresql.yaml",
      "local/build.json",
      "prod/postgresql/StatefulSet-postgresql.yaml",
    ]) {
      assert.ok(tree[file], `${file} written`);
    }
    assert.match(tree["prod/postgresql/StatefulSet-postgresql.yaml"] ?? "", /storage: 50Gi/);
    assert.match(tree["local/postgresql/StatefulSet-postgresql.yaml"] ?? "", /namespace: data\n/);
    assert.match(tree["local/postgresql/StatefulSet-postgresql.yaml"] ?? "", /kindling.dev\/app: postgresql/);
    const second = kindling(dir, "build");
    assert.equal(second.status, 0, second.stderr);
    assert.deepEqual(snapshotTree(out), tree, "second build is byte-identical");
  });

  it("stops on a config error before writing anything, exit 2", () => {
    const dir = tempProject(typedOnly.replace('storage: "50Gi"', 'storage: "fifty"'));
    const r = kindling(dir, "build");
    assert.equal(r.status, 2);
    assert.match(r.stderr, /environment "prod"/);
    assert.match(r.stderr, /environments\.prod\.components\.postgresql\.storage: expected a Kubernetes quantity/);
    assert.ok(!existsSync(join(dir, "manifests-result")), "nothing written");
  });

  it("refuses a config with no environments instead of building nothing, exit 2", () => {
    for (const body of [
      `{ gitops: { repoURL: "https://github.com/acme/platform.git" }, environments: {} }`,
      `{ gitops: { repoURL: "https://github.com/acme/platform.git" } } as never`,
    ]) {
      const dir = tempProject(body);
      const r = kindling(dir, "build");
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /environments: expected at least one environment/);
      assert.ok(!existsSync(join(dir, "manifests-result")), "nothing written");
    }
  });

  it("never writes outside the output folder, whatever the environment is called", () => {
    const dir = tempProject(typedOnly.replace("local: {", `"../escape": {`));
    const r = kindling(dir, "build");
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /environments\.\.\.\/escape: environment names are folder names/);
    assert.ok(!existsSync(join(dir, "escape")), "nothing written next to the output folder");
    assert.ok(!existsSync(join(dir, "manifests-result")), "nothing written");
  });

  it("a malformed charts.lock.yaml is named with its fix, without a stack trace, exit 3", () => {
    const dir = tempProject(
      `{ gitops: { repoURL: "https://github.com/acme/platform.git" }, environments: { local: { profile: "dev-fast" } } }`,
    );
    writeFileSync(join(dir, "charts.lock.yaml"), "charts:\n  traefik: [1]\n");
    for (const args of [["build"], ["charts", "pull"]]) {
      const r = kindling(dir, ...args);
      assert.equal(r.status, 3, r.stderr);
      assert.match(r.stderr, /charts\.lock\.yaml: chart traefik: expected a mapping; fix the file or regenerate it/);
      assert.doesNotMatch(r.stderr, /^\s+at /m, "no stack trace for a file the user can fix");
    }
    assert.ok(!existsSync(join(dir, "manifests-result")), "nothing written");
  });

  it("leaves the previous result untouched when an object is invalid, exit 1 naming env, app, kind, name and field", (t) => {
    if (!requireTool(t, "helm")) return;
    const dir = tempProject(typedOnly);
    assert.equal(kindling(dir, "build").status, 0);
    const before = snapshotTree(join(dir, "manifests-result"));
    writeConfig(dir, typedOnly.replaceAll(`"traefik": { enabled: false }`, `"traefik": {}`));
    const r = kindling(dir, "build", "--local-chart", `traefik=${join(fixtures, "invalid-deployment")}`);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /local\/traefik: Deployment edge\/broken at spec\.replicas: .*integer/);
    assert.match(
      r.stderr,
      /prod\/traefik: Deployment edge\/broken at spec\.replicas: .*integer/,
      "every environment is reported in one run",
    );
    assert.match(r.stderr, /no digest/i, "a local chart warns that no digest is checked");
    assert.deepEqual(snapshotTree(join(dir, "manifests-result")), before);
  });

  it("validate checks without writing; --json is machine-readable", () => {
    const dir = tempProject(typedOnly);
    const r = kindling(dir, "validate", "--env", "local", "--json");
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    assert.equal(result.valid, true);
    assert.equal(result.environments[0].env, "local");
    assert.ok(!existsSync(join(dir, "manifests-result")));
  });

  it("--profile overrides one environment's profile and needs one --env", () => {
    const dir = tempProject(typedOnly);
    const r = kindling(dir, "validate", "--profile", "full");
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--profile needs exactly one --env/);
    const bad = kindling(dir, "validate", "--env", "local", "--profile", "huge");
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--profile: unknown profile "huge"; allowed: dev-fast, cilium, full/);
  });

  it("writes Argo CD Applications pointing at the env's folder in the configured repository", () => {
    const dir = tempProject(typedOnly);
    assert.equal(kindling(dir, "build", "--env", "local").status, 0);
    const app = readFileSync(join(dir, "manifests-result/local/apps/Application-postgresql.yaml"), "utf8");
    assert.match(app, /repoURL: https:\/\/github.com\/acme\/platform.git/);
    assert.match(app, /path: manifests-result\/local\/postgresql/);
    assert.match(app, /argocd.argoproj.io\/sync-wave: "1"/);
  });

  it("--out at the repository root gives Argo CD a relative path (it refuses absolute ones)", () => {
    const dir = tempProject(typedOnly);
    const r = kindling(dir, "build", "--env", "local", "--out", ".");
    assert.equal(r.status, 0, r.stderr);
    const app = readFileSync(join(dir, "local/apps/Application-postgresql.yaml"), "utf8");
    assert.match(app, /path: (\.\/)?local\/postgresql\n/);
  });
});
