#!/usr/bin/env node
// Starts the kindling CLI. kindling is TypeScript; rather than compiling on
// every start through a loader hook (hundreds of ms), its sources are bundled
// once with esbuild into node_modules/.cache/kindling/cli.mjs and that plain
// ES module is run. The bundle is rebuilt automatically whenever a source
// file or the lockfile is newer, so editing src/ never needs a build step.
// npm packages are not bundled: they load from node_modules as usual.
import { existsSync, readdirSync, renameSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bundle = join(root, "node_modules", ".cache", "kindling", "cli.mjs");

function newestSource() {
  let newest = statSync(join(root, "package-lock.json"), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  for (const entry of readdirSync(join(root, "src"), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const mtime = statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

if (process.env.KINDLING_NO_BUNDLE === "1") {
  // For debugging with source locations: run the TypeScript sources directly.
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(join(root, "src", "cli", "main.ts")).href);
} else {
  if (!existsSync(bundle) || statSync(bundle).mtimeMs < newestSource()) {
    const esbuild = await import("esbuild");
    const tmp = `${bundle}.${process.pid}.tmp`;
    await esbuild.build({
      entryPoints: [join(root, "src", "cli", "main.ts")],
      outfile: tmp,
      bundle: true,
      packages: "external",
      platform: "node",
      format: "esm",
      target: "node20",
      sourcemap: "inline",
      logLevel: "error",
    });
    // rename is atomic: a concurrent start sees the old bundle or the new one.
    renameSync(tmp, bundle);
  }
  await import(pathToFileURL(bundle).href);
}
