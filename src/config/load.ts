import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigError } from "./resolve.ts";

export const DEFAULT_CONFIG_FILE = "kindling.config.ts";

export interface LoadedConfig {
  /** Absolute path of the config file. */
  file: string;
  /** The folder holding it: relative paths in the config and components start here. */
  root: string;
  /** The default export, not yet checked (resolveEnvironment does that). */
  definition: unknown;
}

let generation = 0;

/**
 * Imports kindling.config.ts directly: the CLI runs under tsx, so TypeScript
 * loads without a separate compile step. `fresh` re-imports a changed file in
 * a long-running process (watch mode, the re-render benchmark).
 */
export async function loadConfig(path = DEFAULT_CONFIG_FILE, opts: { fresh?: boolean } = {}): Promise<LoadedConfig> {
  const file = resolve(path);
  if (!existsSync(file)) {
    throw new ConfigError(path, undefined, [
      {
        path: "--config",
        message: `file not found: ${file}; run kindling from the folder holding ${DEFAULT_CONFIG_FILE}, or pass --config <file>`,
      },
    ]);
  }
  const url = pathToFileURL(file);
  if (opts.fresh) url.searchParams.set("generation", String(++generation));
  let mod: { default?: unknown };
  try {
    mod = await import(url.href);
  } catch (err) {
    const reason = err instanceof Error ? err.message.split("\n")[0] : String(err);
    throw new ConfigError(path, undefined, [{ path: "(file)", message: `could not be loaded: ${reason}` }]);
  }
  if (mod.default === undefined) {
    throw new ConfigError(path, undefined, [
      { path: "(default export)", message: "missing: end the file with `export default definePlatform({...})`" },
    ]);
  }
  return { file, root: dirname(file), definition: mod.default };
}
