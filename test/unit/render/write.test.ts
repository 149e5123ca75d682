import assert from "node:assert/strict";
import { spawn } from "node:child_process";
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
    const old = join(out, ".local.old-999999999");
    mkdirSync(join(old, "demo"), { recursive: true });
    writeFileSync(join(old, "demo", "ConfigMap-a.yaml"), "a\n");
    await recoverInterrupted(out, "local");
    assert.ok(existsSync(join(out, "local", "demo", "ConfigMap-a.yaml")));
    assert.ok(!existsSync(old));
  });

  it("builds racing into one output folder all succeed, and the result is one whole tree", async () => {
    const out = mkdtempSync(join(tmpdir(), "kindling-write-"));
    const writer = new URL("./concurrent-writer.ts", import.meta.url).pathname;
    const run = (tag: string) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
        const child = spawn(process.execPath, ["--import", "tsx", writer, out, tag, "25"], { stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (b: Buffer) => {
          stdout += b;
        });
        child.stderr.on("data", (b: Buffer) => {
          stderr += b;
        });
        child.on("close", (code) => done({ code, stdout, stderr }));
      });
    const results = await Promise.all(["a", "b", "c", "d"].map(run));
    for (const r of results) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), "0", `every write succeeds:\n${r.stderr}`);
    }
    const tree = snapshotTree(join(out, "local"));
    const contents = new Set(
      Object.entries(tree)
        .filter(([f]) => f.startsWith("demo/"))
        .map(([, c]) => c),
    );
    assert.equal(Object.keys(tree).length, 31, "30 objects and build.json");
    assert.equal(contents.size, 1, "all files come from one build");
    assert.deepEqual(readdirSync(out), ["local"], "no temp folders are left behind");
  });

  it("leaves the moved-aside tree of a build that is still running alone", async () => {
    const out = mkdtempSync(join(tmpdir(), "kindling-write-"));
    // The parent of this test process is alive: its .old- folder belongs to a swap in progress.
    const old = join(out, `.local.old-${process.ppid}`);
    mkdirSync(join(old, "demo"), { recursive: true });
    await recoverInterrupted(out, "local");
    assert.ok(existsSync(old), "not taken over");
    assert.ok(!existsSync(join(out, "local")));
  });
});
