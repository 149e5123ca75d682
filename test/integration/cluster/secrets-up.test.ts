import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { up } from "../../../src/cluster/up.ts";
import { loadConfig } from "../../../src/config/load.ts";
import { resolveEnvironment } from "../../../src/config/resolve.ts";
import { build } from "../../../src/render/build.ts";
import { componentSecrets } from "../../../src/render/components-to-apps.ts";
import { bootstrapSecrets } from "../../../src/secrets/bootstrap.ts";
import { requireTool } from "../../helpers/tools.ts";
import { startControlPlane } from "./harness.ts";
import { controlPlaneTools } from "./tools.ts";

const ROOT = new URL("../../../", import.meta.url).pathname;

/**
 * `up` of the local environment creates the Secrets the components read,
 * generated on first use into an encrypted secrets/local.sops.yaml, before
 * the apps whose pods need them; a second `up` finds the same values and
 * changes nothing.
 */
test("local up generates, encrypts and applies the Secrets before their consumers; warm up changes nothing", {
  timeout: 300_000,
}, async (t) => {
  const tools = controlPlaneTools(t);
  if (!tools || !requireTool(t, "sops") || !requireTool(t, "age-keygen")) return;
  const work = await mkdtemp(join(tmpdir(), "kindling-secrets-up-"));
  process.env.KINDLING_AGE_KEY_FILE = join(work, "age", "keys.txt");
  const cp = await startControlPlane(tools, { nodes: 2, persistentVolumes: 16 });
  t.after(async () => {
    delete process.env.KINDLING_AGE_KEY_FILE;
    await cp.stop();
    await rm(work, { recursive: true, force: true });
  });
  const config = join(ROOT, "kindling.config.ts");
  const built = await build({ config, envs: ["local"], out: join(work, "out"), write: true, warn: () => {} });
  const dir = built.written[0] as string;
  const secrets = (desired: { secrets?: { namespace: string; name: string; keys: string[] }[] }) =>
    bootstrapSecrets(desired.secrets ?? [], {
      root: work,
      env: "local",
      requirements: async () => {
        const loaded = await loadConfig(config);
        return componentSecrets(resolveEnvironment(loaded.definition, "local", { file: loaded.file }));
      },
    });
  const target = { type: "existing" as const, kubeconfig: cp.kubeconfig };

  const cold = await up({
    env: "local",
    target,
    render: async () => dir,
    secrets,
    timeoutMs: 120_000,
  });
  assert.deepEqual(
    cold.errors.map((e) => String((e.error as Error).message)),
    [],
  );
  assert.equal(cold.apps.find((a) => a.name === "secrets")?.status, "applied");

  const live = (await cp.client.getOptional("/api/v1/namespaces/data/secrets/postgresql-credentials")) as { data: Record<string, string> };
  assert.deepEqual(Object.keys(live.data).sort(), ["app-password", "postgres-password"]);
  assert.ok(Buffer.from(live.data["app-password"] ?? "", "base64").toString().length >= 32);

  const warm = await up({ env: "local", target, render: async () => dir, secrets, timeoutMs: 120_000 });
  assert.equal(warm.upToDate, true, "same values, same hash: nothing to do");
});
