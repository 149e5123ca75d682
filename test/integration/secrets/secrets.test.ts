import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { components } from "../../../src/components/index.ts";
import { loadConfig } from "../../../src/config/load.ts";
import { resolveEnvironment } from "../../../src/config/resolve.ts";
import { componentSecrets } from "../../../src/render/components-to-apps.ts";
import { initSecrets, secretObjects } from "../../../src/secrets/manage.ts";
import { SecretsError } from "../../../src/secrets/sops.ts";
import { missingSecrets, secretsFile } from "../../../src/secrets/store.ts";
import { KINDLING_BIN, snapshotTree, tempProject, writeConfig } from "../../helpers/project.ts";
import { requireTool } from "../../helpers/tools.ts";

const noCharts = Object.values(components)
  .filter((c) => (c.charts ?? []).length > 0)
  .map((c) => `"${c.name}": { enabled: false }`)
  .join(", ");
const platform = (databases: string, extra = "") => `{
  gitops: { repoURL: "https://github.com/acme/platform.git" },
  environments: {
    local: { profile: "dev-fast", components: { ${noCharts}, postgresql: { databases: ${databases} } ${extra} } },
  },
}`;

async function requirements(dir: string) {
  const config = await loadConfig(join(dir, "kindling.config.ts"));
  return componentSecrets(resolveEnvironment(config.definition, "local", { file: config.file }));
}

describe("secrets in secrets/<env>.sops.yaml (real sops + age)", () => {
  let keyDir: string;
  before(() => {
    keyDir = mkdtempSync(join(tmpdir(), "kindling-age-"));
    process.env.KINDLING_AGE_KEY_FILE = join(keyDir, "keys.txt");
  });

  it("init creates the key, encrypts generated values, and a second run changes nothing", async (t) => {
    if (!requireTool(t, "sops") || !requireTool(t, "age-keygen")) return;
    const dir = tempProject(platform("{ app: {}, orders: {} }"));
    const reqs = await requirements(dir);
    const first = await initSecrets(dir, "local", reqs);
    assert.equal(first.keyCreated, true);
    assert.deepEqual(first.generated.sort(), [
      "data/postgresql-credentials:app-password",
      "data/postgresql-credentials:orders-password",
      "data/postgresql-credentials:postgres-password",
    ]);
    const encrypted = readFileSync(secretsFile(dir, "local"), "utf8");
    const objects = await secretObjects(dir, "local", reqs);
    const secret = objects[0] as unknown as { data: Record<string, string> };
    const passwords = Object.values(secret.data).map((b64) => Buffer.from(b64, "base64").toString("utf8"));
    assert.equal(passwords.length, 3);
    for (const p of passwords) {
      assert.ok(p.length >= 32, "generated passwords are long");
      assert.ok(!encrypted.includes(p), "no plaintext value in the encrypted file");
    }
    assert.match(encrypted, /ENC\[AES256_GCM/);

    const again = await initSecrets(dir, "local", reqs);
    assert.deepEqual(again.generated, []);
    assert.equal(again.written, false);
    assert.equal(readFileSync(secretsFile(dir, "local"), "utf8"), encrypted, "file untouched");
  });

  it("local secrets are personal (own key, no .sops.yaml); a shared environment creates .sops.yaml with your key", async (t) => {
    if (!requireTool(t, "sops") || !requireTool(t, "age-keygen")) return;
    const dir = tempProject(platform("{ app: {} }"));
    const reqs = await requirements(dir);
    await initSecrets(dir, "local", reqs);
    assert.ok(!existsSync(join(dir, ".sops.yaml")), "local never writes the team's recipients");
    await initSecrets(dir, "staging", reqs);
    const sopsConfig = readFileSync(join(dir, ".sops.yaml"), "utf8");
    assert.match(sopsConfig, /path_regex: secrets\/\.\*\\\.sops\\\.yaml\$/);
    assert.match(sopsConfig, /age: age1[0-9a-z]+/);
    assert.match(readFileSync(secretsFile(dir, "staging"), "utf8"), /recipient: age1/);
  });

  it("a new database adds its password only; existing values stay", async (t) => {
    if (!requireTool(t, "sops")) return;
    const dir = tempProject(platform("{ app: {} }"));
    await initSecrets(dir, "local", await requirements(dir));
    const before = await secretObjects(dir, "local", await requirements(dir));
    writeConfig(dir, platform("{ app: {}, billing: {} }"));
    assert.deepEqual(
      missingSecrets(await requirements(dir), secretsFile(dir, "local")).map((m) => m.key),
      ["billing-password"],
      "found without decrypting",
    );
    const added = await initSecrets(dir, "local", await requirements(dir));
    assert.deepEqual(added.generated, ["data/postgresql-credentials:billing-password"]);
    const after = (await secretObjects(dir, "local", await requirements(dir)))[0] as unknown as { data: Record<string, string> };
    const old = before[0] as unknown as { data: Record<string, string> };
    assert.equal(after.data["app-password"], old.data["app-password"]);
    assert.equal(after.data["postgres-password"], old.data["postgres-password"]);
  });

  it("values only a person knows are listed, then set from stdin through the CLI", async (t) => {
    if (!requireTool(t, "sops")) return;
    const dir = tempProject(platform("{ app: {} }", `, cloudflared: { enabled: true }`));
    const init = await initSecrets(dir, "local", await requirements(dir));
    assert.deepEqual(init.manual, ["edge/cloudflared-token:token"]);
    await assert.rejects(secretObjects(dir, "local", await requirements(dir)), (err: unknown) => {
      assert.ok(err instanceof SecretsError);
      assert.match(err.message, /no value for edge\/cloudflared-token key token/);
      assert.match(err.hint, /kindling secrets set --env local edge\/cloudflared-token token/);
      return true;
    });
    const set = spawnSync(process.execPath, [KINDLING_BIN, "secrets", "set", "--env", "local", "edge/cloudflared-token", "token"], {
      cwd: dir,
      input: "tunnel-token-value\n",
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
    assert.equal(set.status, 0, set.stderr);
    assert.ok(!set.stderr.includes("tunnel-token-value"), "the value is never echoed");
    const token = (await secretObjects(dir, "local", await requirements(dir))).find(
      (o) => o.metadata.name === "cloudflared-token",
    ) as unknown as {
      data: Record<string, string>;
    };
    assert.equal(Buffer.from(token.data.token ?? "", "base64").toString("utf8"), "tunnel-token-value");
    const check = spawnSync(process.execPath, [KINDLING_BIN, "secrets", "check", "--json"], { cwd: dir, encoding: "utf8" });
    assert.equal(check.status, 0, check.stderr);
    assert.equal(JSON.parse(check.stdout).complete, true);
  });

  it("set refuses an environment the config does not define, and drops a CRLF line end like a LF one", async (t) => {
    if (!requireTool(t, "sops")) return;
    const dir = tempProject(platform("{ app: {} }", `, cloudflared: { enabled: true }`));
    await initSecrets(dir, "local", await requirements(dir));
    const set = (env: string, input: string) =>
      spawnSync(process.execPath, [KINDLING_BIN, "secrets", "set", "--env", env, "edge/cloudflared-token", "token"], {
        cwd: dir,
        input,
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1" },
      });
    const typo = set("lcoal", "v\n");
    assert.equal(typo.status, 2, typo.stderr);
    assert.match(typo.stderr, /unknown environment \(did you mean "local"\?\)/);
    assert.ok(!existsSync(secretsFile(dir, "lcoal")), "no secrets file for an environment that does not exist");

    const crlf = set("local", "token-from-a-windows-file\r\n");
    assert.equal(crlf.status, 0, crlf.stderr);
    const token = (await secretObjects(dir, "local", await requirements(dir))).find(
      (o) => o.metadata.name === "cloudflared-token",
    ) as unknown as {
      data: Record<string, string>;
    };
    assert.equal(Buffer.from(token.data.token ?? "", "base64").toString("utf8"), "token-from-a-windows-file");
  });

  it("a secrets file that is not valid YAML (a merge conflict) is named: build warns and still renders, check fails", () => {
    const dir = tempProject(platform("{ app: {} }"));
    mkdirSync(join(dir, "secrets"));
    writeFileSync(
      join(dir, "secrets", "local.sops.yaml"),
      "<<<<<<< HEAD\ndata/postgresql-credentials:\n  a: ENC[x]\n=======\ndata/postgresql-credentials:\n  b: ENC[y]\n>>>>>>> theirs\n",
    );
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [KINDLING_BIN, ...args], { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    const build = cli("build");
    assert.equal(build.status, 0, build.stderr);
    assert.match(build.stderr, /warning: .*secrets\/local\.sops\.yaml is not valid YAML/);
    assert.ok(existsSync(join(dir, "manifests-result", "local", "build.json")));
    const check = cli("secrets", "check");
    assert.equal(check.status, 3, check.stderr);
    assert.match(check.stderr, /secrets\/local\.sops\.yaml is not valid YAML.*\n {2}fix: /);
    assert.doesNotMatch(check.stderr, /^\s+at /m);
  });

  it("no secret value ever reaches manifests-result/", async (t) => {
    if (!requireTool(t, "sops")) return;
    const dir = tempProject(platform("{ app: {} }"));
    await initSecrets(dir, "local", await requirements(dir));
    const values = ((await secretObjects(dir, "local", await requirements(dir)))[0] as unknown as { data: Record<string, string> }).data;
    const build = spawnSync(process.execPath, [KINDLING_BIN, "build"], { cwd: dir, encoding: "utf8" });
    assert.equal(build.status, 0, build.stderr);
    const tree = Object.values(snapshotTree(join(dir, "manifests-result"))).join("\n");
    for (const b64 of Object.values(values)) {
      assert.ok(!tree.includes(Buffer.from(b64, "base64").toString("utf8")));
      assert.ok(!tree.includes(b64));
    }
    assert.match(tree, /postgresql-credentials/, "the Secret is referenced by name");
  });

  it("a key that is not a recipient cannot decrypt, and the error says how to get access", async (t) => {
    if (!requireTool(t, "sops")) return;
    const dir = tempProject(platform("{ app: {} }"));
    await initSecrets(dir, "local", await requirements(dir));
    const other = mkdtempSync(join(tmpdir(), "kindling-age-other-"));
    process.env.KINDLING_AGE_KEY_FILE = join(other, "keys.txt");
    spawnSync("age-keygen", ["-o", join(other, "keys.txt")], {
      env: { ...process.env, PATH: `${join(process.env.HOME ?? "", ".cache/kindling/tools/bin")}:${process.env.PATH}` },
    });
    try {
      await assert.rejects(secretObjects(dir, "local", await requirements(dir)), (err: unknown) => {
        assert.ok(err instanceof SecretsError);
        assert.match(err.hint, /recipients.*sops updatekeys/);
        return true;
      });
    } finally {
      process.env.KINDLING_AGE_KEY_FILE = join(keyDir, "keys.txt");
    }
  });
});
