import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";

/**
 * Where kindling keeps everything it downloads or builds: tools, chart
 * archives, render caches. Outside the repository so a fresh clone reuses it.
 * Override with KINDLING_CACHE_DIR.
 */
export function cacheDir(): string {
  const fromEnv = process.env.KINDLING_CACHE_DIR;
  if (fromEnv) return fromEnv;
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg || join(homedir(), ".cache"), "kindling");
}

/** Tools installed by scripts/tools/install.sh land here. */
function toolsBinDir(): string {
  return join(cacheDir(), "tools", "bin");
}

/**
 * Finds an executable: KINDLING_<NAME>_BIN wins, then kindling's tool cache,
 * then PATH. Returns undefined when it is nowhere.
 */
export function locateTool(name: string): string | undefined {
  const override = process.env[`KINDLING_${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_BIN`];
  if (override) return existsSync(override) ? override : undefined;
  const cached = join(toolsBinDir(), name);
  if (existsSync(cached)) return cached;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}
