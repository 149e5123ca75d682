#!/usr/bin/env node
// Runs the unit and integration suites with node's built-in test runner.
// Usage: node scripts/run-tests.mjs [unit|integration|e2e|<file or folder>...]
// The real-Kind e2e suite runs only when asked for (npm run test:e2e).
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { isAbsolute, join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const args = process.argv.slice(2);
const targets = args.length ? args : ["unit", "integration"];

function collect(path, out) {
  const full = isAbsolute(path) ? path : join(root, path.startsWith("test/") ? path : join("test", path));
  const stat = statSync(full, { throwIfNoEntry: false });
  if (!stat) {
    console.error(`no such test file or folder: ${path}`);
    process.exit(2);
  }
  if (stat.isFile()) return out.push(full);
  for (const entry of readdirSync(full).sort()) {
    const child = join(full, entry);
    if (statSync(child).isDirectory()) collect(child, out);
    else if (entry.endsWith(".test.ts")) out.push(child);
  }
}

const files = [];
for (const t of targets) collect(t, files);
if (files.length === 0) {
  console.error(`no test files under ${targets.join(", ")}`);
  process.exit(2);
}
const result = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=2", ...files], {
  stdio: "inherit",
  cwd: root,
});
process.exit(result.status ?? 1);
