import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { locateTool } from "../tools/locate.ts";

/**
 * Whether `up` may reuse manifests-result/<env>/ instead of rendering again.
 * Rendering costs most of a warm `up` (charts, validation, writing every
 * file), yet a warm `up` must stay under a second. The fingerprint covers
 * every input a render can read: name, size and modification time of every
 * file under the project root (definition, components, chart lock, local
 * charts, Kustomize inputs, package-lock), the helm and kubectl binaries it
 * runs, the KINDLING_ and HELM_ environment, Node's version and the flags.
 * Any edit changes it, so editing the definition is always noticed; the
 * output itself is checked too (a hand-edited build.json means render again).
 * `kindling build` always renders; `up --rerender` forces it.
 */
export interface RenderInputs {
  /** Folder of kindling.config.ts. */
  root: string;
  env: string;
  profile?: string;
  offline?: boolean;
  config?: string;
}

/** Folders that hold outputs or tooling state, never render inputs. */
const SKIP_DIRS = new Set(["node_modules", "manifests-result", ".git", ".kindling"]);

async function walk(root: string, dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  await Promise.all(
    entries.map(async (e) => {
      if (SKIP_DIRS.has(e.name) || (e.name.startsWith(".") && e.isDirectory())) return;
      const full = join(dir, e.name);
      if (e.isDirectory()) return walk(root, full, out);
      if (!e.isFile() && !e.isSymbolicLink()) return;
      const s = await stat(full).catch(() => undefined);
      if (s) out.push(`${relative(root, full)}\0${s.size}\0${s.mtimeMs}`);
    }),
  );
}

export async function renderFingerprint(inputs: RenderInputs): Promise<string> {
  const files: string[] = [];
  await walk(inputs.root, inputs.root, files);
  const lock = await stat(join(inputs.root, "node_modules", ".package-lock.json")).catch(() => undefined);
  const tools = await Promise.all(
    ["helm", "kubectl"].map(async (t) => {
      const path = locateTool(t);
      const s = path ? await stat(path).catch(() => undefined) : undefined;
      return `${t}\0${path ?? "-"}\0${s?.size ?? 0}\0${s?.mtimeMs ?? 0}`;
    }),
  );
  const env = Object.entries(process.env)
    .filter(([k]) => k.startsWith("KINDLING_") || k.startsWith("HELM_") || k === "XDG_CACHE_HOME")
    .map(([k, v]) => `${k}=${v}`);
  const h = createHash("sha256");
  for (const part of [
    JSON.stringify({ env: inputs.env, profile: inputs.profile ?? "", offline: !!inputs.offline, config: inputs.config ?? "" }),
    process.version,
    `node_modules\0${lock?.size ?? 0}\0${lock?.mtimeMs ?? 0}`,
    ...tools,
    ...env.sort(),
    ...files.sort(),
  ]) {
    h.update(part).update("\n");
  }
  return h.digest("hex");
}

interface RenderRecord {
  fingerprint: string;
  buildJsonSha: string;
}

async function sha(path: string): Promise<string | undefined> {
  try {
    return createHash("sha256")
      .update(await readFile(path))
      .digest("hex");
  } catch {
    return undefined;
  }
}

/** True when the folder was rendered from exactly these inputs and nobody touched its build.json since. */
export async function renderIsCurrent(recordFile: string, fingerprint: string, envDir: string): Promise<boolean> {
  try {
    const record = JSON.parse(await readFile(recordFile, "utf8")) as RenderRecord;
    return record.fingerprint === fingerprint && record.buildJsonSha === (await sha(join(envDir, "build.json")));
  } catch {
    return false;
  }
}

export async function recordRender(recordFile: string, fingerprint: string, envDir: string): Promise<void> {
  const buildJsonSha = await sha(join(envDir, "build.json"));
  if (!buildJsonSha) return;
  await mkdir(dirname(recordFile), { recursive: true });
  await writeFile(recordFile, `${JSON.stringify({ fingerprint, buildJsonSha } satisfies RenderRecord)}\n`);
}

/**
 * Runs `render` (the CLI passes build()) unless the last render of these
 * inputs is still on disk; answers the manifests folder and whether it was
 * reused. The record lives in <root>/.kindling/render-<env>.json.
 */
export async function renderUnlessCurrent(
  inputs: RenderInputs & { force?: boolean },
  render: () => Promise<string>,
): Promise<{ dir: string; reused: boolean }> {
  const envDir = join(inputs.root, "manifests-result", inputs.env);
  const record = join(inputs.root, ".kindling", `render-${inputs.env}.json`);
  const fingerprint = await renderFingerprint(inputs);
  if (!inputs.force && (await renderIsCurrent(record, fingerprint, envDir))) return { dir: envDir, reused: true };
  const dir = await render();
  await recordRender(record, fingerprint, dir);
  return { dir, reused: false };
}
