/** Content hashes: chart archive digests and the identity of unpacked chart directories. */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { pipeline } from "node:stream/promises";

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** "sha256:<hex>" of a file, streamed so large archives never sit in memory. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path), hash);
  return `sha256:${hash.digest("hex")}`;
}

export function isDigest(value: string): boolean {
  return DIGEST.test(value);
}

/** The hex part of "sha256:<hex>". */
export function digestHex(digest: string): string {
  return digest.slice("sha256:".length);
}

/**
 * A hash over every file under `dir` (relative path + content), so the
 * render cache notices any edit to a local chart. Deliberately ignores
 * .helmignore: hashing a file helm skips only costs a needless re-render.
 */
export async function hashDirectory(dir: string): Promise<string> {
  const files = (await listFiles(dir)).sort();
  const hash = createHash("sha256");
  // Files are read concurrently but fed to the hash in sorted order.
  const contents = await Promise.all(files.map((f) => readFile(f)));
  files.forEach((file, i) => {
    const content = contents[i] as Buffer;
    hash.update(`${relative(dir, file).split(sep).join("/")}\0${content.length}\0`);
    hash.update(content);
  });
  return `dir-sha256:${hash.digest("hex")}`;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (e) => {
      const path = join(dir, e.name);
      // Follow symlinks the way helm does when it loads the chart.
      const isDir = e.isSymbolicLink() ? (await stat(path)).isDirectory() : e.isDirectory();
      if (isDir) return listFiles(path);
      return e.isFile() || e.isSymbolicLink() ? [path] : [];
    }),
  );
  return nested.flat();
}
