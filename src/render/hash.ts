import { createHash } from "node:crypto";

/** sha256 over (file name, bytes) pairs in name order: the content identity of an app. */
export function hashFiles(files: { file: string; content: string }[]): string {
  const h = createHash("sha256");
  for (const f of [...files].sort((a, b) => (a.file < b.file ? -1 : 1))) {
    h.update(f.file).update("\0").update(f.content).update("\0");
  }
  return `sha256:${h.digest("hex")}`;
}
