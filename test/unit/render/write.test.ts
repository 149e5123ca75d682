import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { RenderedEnvironment } from "../../../src/render/types.ts";
import { recoverInterrupted, writeEnvironment } from "../../../src/render/write.ts";
import { snapshotTree } from "../../helpers/project.ts";

function env(files: Record<string, string>): RenderedEnvironment {
  return {
    platform: "kindling",
    env: "local",
    profile: "dev-fast",
    apps: [
      {
        name: "demo",
        namespace: "demo",
        dependsOn: [],
        syncWave: 0,
        hash: "sha256:x",
        objects: Object.entries(files).map(([file, content]) => ({
          object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: file } },
          class: "object" as const,
          source: "typed",
          file,
          content,
        })),
      },
    ],
    applications: [],
  };
}

describe("writeEnvironment", () => {
  it("replaces the previous tree whole: files that are gone disappear", async () => {
    const out = mkdtempSync(join(tmpdir(), "kindling-write-"));
    await writeEnvironment(out, env({ "ConfigMap-a.yaml": "a\n", "ConfigMap-b.yaml": "b\n" }));
    await writeEnvironment(out, env({ "ConfigMap-a.yaml": "a2\n" }));
    const tree = snapshotTree(join(out, "local"));
    assert.equal(tree["demo/ConfigMap-a.yaml"], "a2\n");
    assert.equal(tree["demo/ConfigMap-b.yaml"], undefined);
    assert.ok(tree["build.json"]);
    assert.deepEqual(readdirSync(out), ["local"], "no temp folders are left behind");
  });

  it("leaves the previous tree untouched when writing fails part-way", async () => {
    const out = mkdtempSync(join(tmpdir(), "kindling-write-"));
    await writeEnvironment(out, env({ "ConfigMap-a.yaml": "a\n" }));
    const before = snapshotTree(join(out, "local"));
    // A file inside a folder that does not exist fails in the middle of the write.
    await assert.rejects(writeEnvironment(out, env({ "ConfigMap-a.yaml": "changed\n", "missing-dir/ConfigMap-b.yaml": "b\n" })));
    assert.deepEqual(snapshotTree(join(out, "local")), before);
    assert.deepEqual(readdirSync(out), ["local"]);
  });

  it("puts the old tree back when a build died between its two renames", async () => {
    const out = mkdtempSync(join(tmpdir(), "kindling-write-"));
    const old = join(out, ".local.old-4242");
    mkdirSync(join(old, "demo"), { recursive: true });
    writeFileSync(join(old, "demo", "ConfigMap-a.yaml"), "a\n");
    await recoverInterrupted(out, "local");
    assert.ok(existsSync(join(out, "local", "demo", "ConfigMap-a.yaml")));
    assert.ok(!existsSync(old));
  });
});
