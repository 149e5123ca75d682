import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { KINDLING_BIN } from "../../helpers/project.ts";
import { requireTool } from "../../helpers/tools.ts";

const repoRoot = new URL("../../..", import.meta.url).pathname;

function kindling(env: Record<string, string>, ...args: string[]) {
  return spawnSync(process.execPath, [KINDLING_BIN, ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
}

describe("kindling charts", () => {
  it("names the chart and the fix when it is neither cached nor reachable (exit 3)", (t) => {
    const helm = requireTool(t, "helm");
    if (!helm) return;
    const emptyCache = mkdtempSync(join(tmpdir(), "kindling-cache-"));
    const r = kindling(
      { KINDLING_CACHE_DIR: emptyCache, KINDLING_HELM_BIN: helm, KINDLING_CHART_MIRROR: "" },
      "charts",
      "pull",
      "--offline",
    );
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, /chart [a-z-]+ \S+ is not in the cache/);
    assert.match(r.stderr, /fix: .*(kindling charts pull|KINDLING_CHART_MIRROR)/);
  });

  it("refuses an unknown action or chart with usage exit 2", () => {
    assert.equal(kindling({}, "charts", "update").status, 2);
    const r = kindling({}, "charts", "lock", "--chart", "nginx");
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown chart nginx; charts: .*traefik/);
  });
});

describe("kindling doctor", () => {
  it("reports each tool with status, version, minimum and an install hint, as JSON", () => {
    const r = kindling({}, "doctor", "--json");
    const report = JSON.parse(r.stdout);
    const names = report.tools.map((x: { name: string }) => x.name);
    assert.deepEqual(names, ["docker", "kind", "kubectl", "helm", "sops", "age"]);
    for (const tool of report.tools) {
      assert.ok(["ok", "missing", "too-old", "unknown-version", "not-running"].includes(tool.status), tool.status);
      assert.ok(tool.minimum);
      if (tool.status !== "ok") assert.ok(tool.hint.length > 10, `${tool.name} has an install hint`);
    }
    // Exit code follows the required tools: 0 when all fine, 1 otherwise.
    assert.equal(r.status, report.healthy ? 0 : 1);
  });

  it("says what to do when the Docker engine is absent", () => {
    const r = kindling({ PATH: "/nonexistent", KINDLING_DOCKER_BIN: "/nonexistent/docker" }, "doctor", "--json");
    const docker = JSON.parse(r.stdout).tools.find((x: { name: string }) => x.name === "docker");
    assert.equal(docker.status, "missing");
    assert.match(docker.hint, /install Docker/);
    assert.equal(r.status, 1);
  });
});

describe("kindling doctor arguments", () => {
  it("refuses stray arguments with usage exit 2", () => {
    const r = kindling({}, "doctor", "everything");
    assert.equal(r.status, 2);
    assert.match(r.stderr, /takes no arguments, got "everything"/);
  });
});
