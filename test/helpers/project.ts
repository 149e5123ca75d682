import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const repoRoot = new URL("../..", import.meta.url).pathname;

/** A throwaway project folder holding a kindling.config.ts with the given body. */
export function tempProject(platform: string, prefix = "kindling-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeConfig(dir, platform);
  return dir;
}

export function writeConfig(dir: string, platform: string): void {
  writeFileSync(
    join(dir, "kindling.config.ts"),
    `import { definePlatform } from ${JSON.stringify(join(repoRoot, "src/config/define.ts"))};\nexport default definePlatform(${platform});\n`,
  );
}

/** Every file under a folder, path → content, for comparing whole trees. */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(dir, full)] = readFileSync(full, "utf8");
    }
  };
  walk(dir);
  return out;
}

export const KINDLING_BIN = join(repoRoot, "bin/kindling.mjs");
