/**
 * Shared setup for tests that run the real helm / kubectl: locating the
 * binaries (fail in CI, skip with a reason elsewhere), temp dirs, and a chart
 * mirror packaged from test/fixtures/charts at test time.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { locateTool } from "../../../src/tools/locate.ts";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const CHART_FIXTURES = join(REPO_ROOT, "test/fixtures/charts");
export const KUSTOMIZE_FIXTURES = join(REPO_ROOT, "test/fixtures/kustomize");

/**
 * The tool's path, or undefined when it is missing. In CI a missing tool is a
 * failing test (a silent skip would hide that nothing was tested); elsewhere
 * the reason is printed and dependent tests skip.
 */
export function requireTool(name: string): string | undefined {
  const found = locateTool(name);
  if (found) return found;
  const reason = `${name} not found: run scripts/tools/install.sh or set KINDLING_${name.toUpperCase()}_BIN`;
  if (process.env.CI === "true" || process.env.CI === "1") {
    test(`${name} is installed`, () => {
      throw new Error(`CI is set but ${reason}`);
    });
  } else {
    console.log(`# skipping ${name} tests: ${reason}`);
  }
  return undefined;
}

const created: string[] = [];
process.on("exit", () => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** A temporary directory removed when the test process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `kindling-test-${prefix}-`));
  created.push(dir);
  return dir;
}

/** Packages a fixture chart with the real helm into `dest`; returns the archive path. */
export function packageChart(helm: string, chartDir: string, dest: string): string {
  execFileSync(helm, ["package", chartDir, "--destination", dest], { stdio: "pipe" });
  const archives = readdirSync(dest).filter((f) => f.endsWith(".tgz"));
  const name = archives.find((f) => f.startsWith(`${chartDir.split("/").pop()}-`));
  if (!name) throw new Error(`helm package wrote no archive for ${chartDir} into ${dest}`);
  return join(dest, name);
}

/** "sha256:<hex>" computed by coreutils, independent of kindling's own hashing. */
export function sha256sum(file: string): string {
  return `sha256:${execFileSync("sha256sum", [file], { encoding: "utf8" }).split(" ")[0]}`;
}

/** The value at a dotted path ("spec.ports.0.port"), for asserting on untyped objects without `any`. */
export function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split(".")) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
