/**
 * The local archive cache, <cacheDir>/charts/. Content-addressed: an
 * archive's file name carries its sha256, so a file can only ever be placed
 * under the name of the digest it was verified to have, and two charts or
 * two versions never overwrite each other. Files arrive through a temporary
 * directory inside the cache and are renamed into place, which is atomic, so a
 * concurrent reader sees the whole archive or nothing.
 */
import { copyFile, mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { digestHex, sha256File } from "./digest.ts";
import { DigestMismatchError } from "./errors.ts";

export interface ArchiveId {
  chart: string;
  version: string;
  digest: string;
}

function chartsDir(cacheDir: string): string {
  return join(cacheDir, "charts");
}

/** <cacheDir>/charts/<chart>-<version>.sha256-<hex>.tgz */
export function cachedArchivePath(cacheDir: string, id: ArchiveId): string {
  return join(chartsDir(cacheDir), `${id.chart}-${id.version}.sha256-${digestHex(id.digest)}.tgz`);
}

/** A fresh scratch directory on the cache's file system (so rename into place works). */
export async function scratchDir(cacheDir: string): Promise<string> {
  const base = join(chartsDir(cacheDir), ".incoming");
  await mkdir(base, { recursive: true });
  return mkdtemp(join(base, "pull-"));
}

/**
 * Moves (or copies, when `copy` is set) a verified archive into the cache
 * under its digest and returns the cached path.
 */
export async function storeArchive(cacheDir: string, file: string, id: ArchiveId, opts: { copy?: boolean } = {}): Promise<string> {
  const dest = cachedArchivePath(cacheDir, id);
  if (opts.copy) {
    // Copy next to the destination first: a copy straight to `dest` could be seen half-written.
    const scratch = await scratchDir(cacheDir);
    try {
      const tmp = join(scratch, "archive.tgz");
      await copyFile(file, tmp);
      await rename(tmp, dest);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  } else {
    await rename(file, dest);
  }
  return dest;
}

/**
 * Re-hashes a cached archive and refuses it if it no longer matches the
 * digest in its name and the lock. Returns false when the file is absent.
 */
export async function verifyCachedArchive(path: string, name: string, id: ArchiveId): Promise<boolean> {
  let actual: string;
  try {
    actual = await sha256File(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw e;
  }
  if (actual !== id.digest) throw new DigestMismatchError(name, id.version, actual, id.digest, path, "cache");
  return true;
}
