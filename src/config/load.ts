import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { sha256Hex } from "../tools/hash.ts";
import { cacheDir } from "../tools/locate.ts";
import { writeFileAtomic } from "../tools/write-atomic.ts";
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

/**
 * Loads kindling.config.ts directly, with no compile step for the user: the
 * file and the local modules it imports are bundled in memory by esbuild
 * (types stripped, never checked — the option schemas check values) and the
 * result is imported as plain ESM. This is the way Vite loads vite.config.ts.
 * It works whether or not the project is an ES-module package, and it costs
 * a few milliseconds instead of the ~100 ms of a TypeScript loader hook.
 *
 * Every call bundles again, so a long-running process (watch mode, the
 * re-render benchmark) always sees the file as it is now.
 */
export async function loadConfig(path = DEFAULT_CONFIG_FILE): Promise<LoadedConfig> {
  const file = resolve(path);
  if (!existsSync(file)) {
    throw new ConfigError(path, undefined, [
      {
        path: "--config",
        message: `file not found: ${file}; run kindling from the folder holding ${DEFAULT_CONFIG_FILE}, or pass --config <file>`,
      },
    ]);
  }
  const root = dirname(file);
  const code = await bundle(file, path);
  const mod = await importBundle(code, root, path);
  if (mod.default === undefined) {
    throw new ConfigError(path, undefined, [
      { path: "(default export)", message: "missing: end the file with `export default definePlatform({...})`" },
    ]);
  }
  return { file, root, definition: mod.default };
}

async function bundle(file: string, shownPath: string): Promise<string> {
  const esbuild = await import("esbuild");
  try {
    const result = await esbuild.build({
      entryPoints: [file],
      bundle: true,
      // npm packages stay imports; only the project's own files are bundled.
      packages: "external",
      platform: "node",
      format: "esm",
      target: "node20",
      write: false,
      logLevel: "silent",
      sourcemap: "inline",
      sourcesContent: false,
    });
    return result.outputFiles[0]?.text ?? "";
  } catch (err) {
    const errors = (err as { errors?: { text: string; location?: { file: string; line: number; column: number } }[] }).errors;
    if (!errors?.length) throw err;
    throw new ConfigError(
      shownPath,
      undefined,
      errors.map((e) => ({
        path: e.location ? `${relative(process.cwd(), resolve(e.location.file))}:${e.location.line}:${e.location.column + 1}` : "(file)",
        message: e.text,
      })),
    );
  }
}

/**
 * The bundle is written next to the project's node_modules so that the npm
 * packages it imports resolve exactly as they would from the config file; a
 * project without node_modules gets a spot in kindling's cache. Named by
 * content, so an unchanged config is not written again.
 */
async function importBundle(code: string, root: string, shownPath: string): Promise<{ default?: unknown }> {
  const hash = sha256Hex(code).slice(0, 16);
  const dir = existsSync(join(root, "node_modules")) ? join(root, "node_modules", ".cache", "kindling") : join(cacheDir(), "config");
  const out = join(dir, `config-${hash}.mjs`);
  if (!existsSync(out)) {
    await mkdir(dir, { recursive: true });
    await writeFileAtomic(out, code);
  }
  try {
    return await import(pathToFileURL(out).href);
  } catch (err) {
    const reason = err instanceof Error ? err.message.split("\n")[0] : String(err);
    throw new ConfigError(shownPath, undefined, [{ path: "(file)", message: `failed while loading: ${reason}` }]);
  }
}
