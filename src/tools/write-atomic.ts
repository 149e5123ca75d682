import { rename, writeFile } from "node:fs/promises";

/**
 * Writes `path` so a reader sees the old content or the new, never half a file:
 * a temp file next to it (unique per process and call, so concurrent writers of
 * the same path do not share one), then a rename over it.
 */
export async function writeFileAtomic(path: string, data: string, opts: { mode?: number } = {}): Promise<void> {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, data, opts);
  await rename(tmp, path);
}
