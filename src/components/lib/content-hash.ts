import { createHash } from "node:crypto";

/**
 * A short sha256 of some texts, for names and annotations that must change
 * exactly when the content does. Hashing the texts one after another equals
 * hashing their concatenation, so callers may pass them in pieces.
 */
export function contentHash(texts: readonly string[], length = 16): string {
  const hash = createHash("sha256");
  for (const text of texts) hash.update(text);
  return hash.digest("hex").slice(0, length);
}

/**
 * Pod annotations for programs that read their config at start only: a
 * changed config changes the pod template, so Kubernetes rolls the pods.
 */
export function configHashAnnotation(...configs: string[]): Record<string, string> {
  return { "kindling.dev/config-hash": contentHash(configs) };
}
