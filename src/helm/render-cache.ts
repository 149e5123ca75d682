/**
 * Cache of `helm template` results in <cacheDir>/helm-render/<key>.json.
 * The key covers everything the output depends on (helm build, chart content,
 * release, namespace, values, flags), so a hit is always safe to reuse and a
 * rebuild with nothing changed starts no helm at all. Entries are never
 * updated in place, only written whole (temp file + rename).
 */
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { KubeObject } from "../model/k8s.ts";
import { sha256Hex } from "../tools/hash.ts";
import { writeFileAtomic } from "../tools/write-atomic.ts";

/** Bump when the parsing of helm output changes, to drop every older entry. */
const FORMAT = 1;

export interface RenderKeyParts {
  helm: string;
  /** Lock key of the chart (recorded in object origins). */
  name: string;
  /** Archive digest, or the content hash of a local chart directory. */
  content: string;
  release: string;
  namespace: string;
  values: Record<string, unknown>;
  includeCrds: boolean;
  skipTests: boolean;
  kubeVersion?: string;
  apiVersions: string[];
}

export interface RenderedObject {
  /** helm's `# Source:` path, e.g. "hello/templates/deployment.yaml". */
  template: string;
  object: KubeObject;
}

export function renderCacheKey(parts: RenderKeyParts): string {
  return sha256Hex(canonicalJson({ format: FORMAT, ...parts }));
}

/** JSON with object keys sorted at every level, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return v;
    const obj = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(obj)
        .sort()
        .map((k) => [k, obj[k]]),
    );
  });
}

function entryPath(cacheDir: string, key: string): string {
  return join(cacheDir, "helm-render", `${key}.json`);
}

/** The cached render, or undefined on a miss. A damaged entry counts as a miss. */
export async function readRenderCache(cacheDir: string, key: string): Promise<RenderedObject[] | undefined> {
  let text: string;
  try {
    text = await readFile(entryPath(cacheDir, key), "utf8");
  } catch {
    return undefined;
  }
  try {
    const data = JSON.parse(text) as { format?: unknown; objects?: unknown };
    if (data.format !== FORMAT || !Array.isArray(data.objects)) return undefined;
    return data.objects as RenderedObject[];
  } catch {
    return undefined;
  }
}

export async function writeRenderCache(cacheDir: string, key: string, objects: RenderedObject[]): Promise<void> {
  const path = entryPath(cacheDir, key);
  await mkdir(join(cacheDir, "helm-render"), { recursive: true });
  await writeFileAtomic(path, JSON.stringify({ format: FORMAT, objects }));
}
