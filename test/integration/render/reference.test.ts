import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it, type TestContext } from "node:test";
import { parse } from "yaml";
import { components } from "../../../src/components/index.ts";
import { ChartError } from "../../../src/helm/index.ts";
import type { BuildResult } from "../../../src/render/build.ts";
import { build } from "../../../src/render/build.ts";
import { tempProject } from "../../helpers/project.ts";

const repoRoot = new URL("../../..", import.meta.url).pathname;

/** Every written file must read back, in YAML 1.1 and 1.2, as exactly the object kindling meant. */
function assertFilesReadBack(result: BuildResult): number {
  let checked = 0;
  for (const env of result.environments) {
    for (const app of env.apps) {
      for (const o of app.objects) {
        const expected = JSON.parse(JSON.stringify(o.object));
        assert.deepEqual(parse(o.content, { version: "1.2" }), expected, `${env.env}/${app.name}/${o.file} (YAML 1.2)`);
        assert.deepEqual(parse(o.content, { version: "1.1" }), expected, `${env.env}/${app.name}/${o.file} (YAML 1.1)`);
        checked++;
      }
    }
  }
  return checked;
}

async function buildOrSkip(t: TestContext, config: string): Promise<BuildResult | undefined> {
  try {
    return await build({ config, write: false, offline: true, warn: () => {} });
  } catch (err) {
    if (err instanceof ChartError) {
      t.skip(`chart render skipped: ${err.message} (${err.hint})`);
      return undefined;
    }
    throw err;
  }
}

describe("rendering the platform", () => {
  it("every typed component, all three environments: valid, and the YAML reads back exactly", async () => {
    const off = Object.values(components)
      .filter((c) => (c.charts ?? []).length > 0)
      .map((c) => `"${c.name}": { enabled: false }`)
      .join(", ");
    const dir = tempProject(`{
      gitops: { repoURL: "https://github.com/acme/platform.git" },
      environments: {
        local: { profile: "dev-fast", components: { ${off} } },
        staging: { profile: "full", components: { ${off} } },
        prod: { profile: "full", components: { ${off} } },
      },
    }`);
    const result = await build({ config: join(dir, "kindling.config.ts"), write: false, warn: () => {} });
    assert.ok(assertFilesReadBack(result) > 50);
  });

  it("the reference kindling.config.ts, charts included where they are available offline", async (t) => {
    const result = await buildOrSkip(t, join(repoRoot, "kindling.config.ts"));
    if (!result) return;
    assert.deepEqual(
      result.environments.map((e) => [e.env, e.profile]),
      [
        ["local", "dev-fast"],
        ["staging", "full"],
        ["prod", "full"],
      ],
    );
    assertFilesReadBack(result);
  });

  it("is deterministic: two renders in one process give the same bytes", async (t) => {
    const a = await buildOrSkip(t, join(repoRoot, "kindling.config.ts"));
    if (!a) return;
    const b = await build({ config: join(repoRoot, "kindling.config.ts"), write: false, offline: true, warn: () => {} });
    const files = (r: BuildResult) =>
      r.environments.flatMap((e) => e.apps.flatMap((app) => app.objects.map((o) => `${e.env}/${app.name}/${o.file}\n${o.content}`)));
    assert.deepEqual(files(a), files(b));
  });
});
