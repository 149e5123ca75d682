import { existsSync } from "node:fs";
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RenderedEnvironment } from "./types.ts";

export const BUILD_INFO_FILE = "build.json";
export const APPLICATIONS_DIR = "apps";

/**
 * What the bootstrap engine reads instead of re-deriving it: app order,
 * hashes, object classes. No timestamps, so it is as deterministic as the YAML.
 */
export function buildInfo(env: RenderedEnvironment) {
  return {
    platform: env.platform,
    env: env.env,
    profile: env.profile,
    cluster: env.cluster ?? {},
    // Which Secrets the bootstrap must create from secrets/<env>.sops.yaml before the apps (names only).
    secrets: (env.secrets ?? []).map((s) => ({ namespace: s.namespace, name: s.name, keys: Object.keys(s.keys).sort() })),
    apps: env.apps.map((a) => ({
      name: a.name,
      namespace: a.namespace,
      dependsOn: a.dependsOn,
      syncWave: a.syncWave,
      hash: a.hash,
      objects: a.objects.map((o) => ({
        file: o.file,
        class: o.class,
        apiVersion: o.object.apiVersion,
        kind: o.object.kind,
        name: o.object.metadata.name,
        ...(o.object.metadata.namespace ? { namespace: o.object.metadata.namespace } : {}),
      })),
    })),
  };
}

/**
 * Writes manifests-result/<env>/ so that a reader sees the old tree or the new
 * one, never a mix: everything goes to a sibling temp folder first, then two
 * renames swap it in. If the process dies between the two renames, the next
 * build puts the old tree back before doing anything (recoverInterrupted).
 */
export async function writeEnvironment(outDir: string, env: RenderedEnvironment): Promise<string> {
  await mkdir(outDir, { recursive: true });
  await recoverInterrupted(outDir, env.env);
  const target = join(outDir, env.env);
  const staging = join(outDir, `.${env.env}.new-${process.pid}`);
  const previous = join(outDir, `.${env.env}.old-${process.pid}`);
  await rm(staging, { recursive: true, force: true });

  const files: [string, string][] = [];
  for (const app of env.apps) {
    for (const o of app.objects) files.push([join(staging, app.name, o.file), o.content]);
  }
  for (const a of env.applications) files.push([join(staging, APPLICATIONS_DIR, a.file), a.content]);
  files.push([join(staging, BUILD_INFO_FILE), `${JSON.stringify(buildInfo(env), null, 2)}\n`]);
  try {
    for (const dir of new Set([...env.apps.map((a) => a.name), APPLICATIONS_DIR])) await mkdir(join(staging, dir), { recursive: true });
    // allSettled, not all: the temp folder may only be removed once no write is still running into it.
    const results = await Promise.allSettled(files.map(([path, content]) => writeFile(path, content)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }

  await swapIn(staging, target, previous);
  return target;
}

/**
 * Moves the current tree aside and the new one in. Another build writing the
 * same environment at the same moment may swap its tree in between our two
 * renames (then ours finds `target` taken) or move `target` away first; the
 * swap is then simply repeated, so the last build to finish wins, whole.
 */
async function swapIn(staging: string, target: string, previous: string): Promise<void> {
  const code = (e: unknown) => (e as NodeJS.ErrnoException).code;
  for (let attempt = 1; ; attempt++) {
    let moved = false;
    try {
      await rename(target, previous);
      moved = true;
    } catch (e) {
      if (code(e) !== "ENOENT") throw e;
    }
    try {
      await rename(staging, target);
    } catch (e) {
      const raced = code(e) === "ENOTEMPTY" || code(e) === "EEXIST";
      if (raced && attempt < 20) {
        // A newer tree than the one we moved aside is in place now: the moved one is no longer needed.
        if (moved) await rm(previous, { recursive: true, force: true });
        continue;
      }
      if (moved && !existsSync(target)) await rename(previous, target);
      await rm(staging, { recursive: true, force: true });
      throw e;
    }
    if (moved) await rm(previous, { recursive: true, force: true });
    return;
  }
}

/** Undoes a swap that was cut off between its two renames, and clears temp folders of dead builds. */
export async function recoverInterrupted(outDir: string, env: string): Promise<void> {
  const entries = existsSync(outDir) ? await readdir(outDir) : [];
  const target = join(outDir, env);
  for (const name of entries) {
    const full = join(outDir, name);
    if (name.startsWith(`.${env}.old-`)) {
      // A live build is between its renames or removing its moved-aside tree: not ours to touch.
      if (isAlive(Number(name.split("-").pop()))) continue;
      if (!existsSync(target)) await rename(full, target);
      else await rm(full, { recursive: true, force: true });
    } else if (name.startsWith(`.${env}.new-`) && !isAlive(Number(name.split("-").pop()))) {
      await rm(full, { recursive: true, force: true });
    }
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
