/**
 * Multi-document YAML -> KubeObjects, shared by helm output, kustomize output
 * and plain YAML files, plus a side channel recording where each object came
 * from so later stages can say "chart traefik, traefik/templates/deployment.yaml"
 * instead of just "Deployment edge/traefik".
 */
import { type DocumentOptions, type ParseOptions, parseAllDocuments, type SchemaOptions } from "yaml";
import type { KubeObject } from "../model/k8s.ts";
import { isPlainObject } from "../model/plain.ts";

export type ObjectOrigin =
  | { kind: "helm"; chart: string; template: string }
  | { kind: "kustomize"; dir: string }
  | { kind: "file"; file: string; document: number };

// A WeakMap, not a property: origins must not leak into the written manifests
// or into equality/hashing of objects, and must not pin objects in memory.
const origins = new WeakMap<object, ObjectOrigin>();

export function setOrigin(obj: KubeObject, origin: ObjectOrigin): void {
  origins.set(obj, origin);
}

export function originOf(obj: KubeObject): ObjectOrigin | undefined {
  return origins.get(obj);
}

export function describeOrigin(origin: ObjectOrigin): string {
  switch (origin.kind) {
    case "helm":
      return `chart ${origin.chart}, ${origin.template}`;
    case "kustomize":
      return `kustomization ${origin.dir}`;
    case "file":
      return `${origin.file}, document ${origin.document}`;
  }
}

/**
 * Parse like Kubernetes does. kubectl and the API machinery read YAML with
 * go-yaml v2, i.e. YAML 1.1 scalars: `defaultMode: 0644` is octal 420 and
 * `enabled: on` is true. The YAML 1.2 default of the `yaml` package would turn
 * 0644 into 644 and ship wrong file modes. go-yaml keeps timestamps, sexagesimal
 * numbers and the exotic collection tags as plain strings, so those are removed.
 */
const DROPPED_TAGS = new Set([
  "tag:yaml.org,2002:timestamp",
  "tag:yaml.org,2002:binary",
  "tag:yaml.org,2002:omap",
  "tag:yaml.org,2002:pairs",
  "tag:yaml.org,2002:set",
]);
const DROPPED_NAMES = new Set(["timestamp", "binary", "omap", "pairs", "set", "intTime", "floatTime"]);
const KUBE_YAML: ParseOptions & DocumentOptions & SchemaOptions = {
  version: "1.1",
  merge: true,
  customTags: (tags) =>
    tags.filter((t) =>
      typeof t === "string" ? !DROPPED_NAMES.has(t) : !DROPPED_TAGS.has(t.tag) && !("format" in t && t.format === "TIME"),
    ),
};

/** One non-empty document of a stream. */
export interface ParsedDoc {
  /** 1-based position among all documents of the stream, empty ones included. */
  index: number;
  /** 1-based line where the document starts. */
  line: number;
  /** The document's own text (used to find helm's `# Source:` comment). */
  text: string;
  value: unknown;
}

/**
 * Splits a YAML stream into documents, dropping empty ones. `where` names a
 * document in error messages.
 */
export function parseYamlStream(text: string, where: (index: number, line: number, docText: string) => string): ParsedDoc[] {
  const docs = parseAllDocuments(text, KUBE_YAML);
  // parseAllDocuments returns an EmptyStream (no documents) for blank input.
  if (!Array.isArray(docs)) return [];
  const out: ParsedDoc[] = [];
  const lineAt = lineCounter(text);
  docs.forEach((doc, i) => {
    const index = i + 1;
    const line = lineAt(doc.range[0]);
    const docText = text.slice(doc.range[0], doc.range[2]);
    const error = doc.errors[0];
    if (error) {
      // The yaml package's message already ends with "at line L, column C:".
      const detail = (error.message.split("\n")[0] ?? "").replace(/:$/, "");
      throw new Error(`${where(index, line, docText)}: invalid YAML: ${detail}`);
    }
    const value = doc.toJS({ maxAliasCount: 1000 }) as unknown;
    if (value === null || value === undefined) return;
    out.push({ index, line, text: docText, value });
  });
  return out;
}

/**
 * Every Kubernetes object in a YAML stream of plain manifests (Lists stand for
 * their items), each marked with the origin `originOf` gives its document.
 */
export function kubeObjectsIn(
  text: string,
  where: (index: number, line: number) => string,
  originOf: (doc: ParsedDoc) => ObjectOrigin,
): KubeObject[] {
  return parseYamlStream(text, where).flatMap((doc) =>
    asKubeObjects(doc.value, where(doc.index, doc.line)).map((obj) => {
      setOrigin(obj, originOf(doc));
      return obj;
    }),
  );
}

/**
 * Checks that a document is a Kubernetes object kindling can place in a file:
 * a mapping with apiVersion, kind and metadata.name.
 */
function asKubeObject(value: unknown, where: string): KubeObject {
  if (!isPlainObject(value)) {
    throw new Error(`${where}: expected a Kubernetes object (a mapping), got ${Array.isArray(value) ? "a list" : typeof value}`);
  }
  const obj = value;
  const missing: string[] = [];
  if (typeof obj.apiVersion !== "string" || obj.apiVersion === "") missing.push("apiVersion");
  if (typeof obj.kind !== "string" || obj.kind === "") missing.push("kind");
  const meta = obj.metadata;
  const name = typeof meta === "object" && meta !== null ? (meta as Record<string, unknown>).name : undefined;
  if (typeof name !== "string" || name === "") missing.push("metadata.name");
  if (missing.length > 0) {
    const what = typeof obj.kind === "string" ? `${obj.kind} object` : "object";
    throw new Error(`${where}: ${what} has no ${missing.join(", ")}`);
  }
  return obj as KubeObject;
}

/**
 * Like asKubeObject, but a List (`kind: List`, or any `<Kind>List` with
 * `items`, as kubectl and `helm install` accept them) stands for its items,
 * nested Lists included. `where` of an item adds ", item N".
 */
export function asKubeObjects(value: unknown, where: string): KubeObject[] {
  if (isPlainObject(value)) {
    if (typeof value.kind === "string" && value.kind.endsWith("List") && Array.isArray(value.items)) {
      return value.items.flatMap((item, i) => asKubeObjects(item, `${where}, item ${i + 1}`));
    }
  }
  return [asKubeObject(value, where)];
}

/** Line numbers for increasing offsets, counting each newline once (outputs can be megabytes). */
function lineCounter(text: string): (offset: number) => number {
  let pos = 0;
  let line = 1;
  return (offset) => {
    for (; pos < offset && pos < text.length; pos++) if (text.charCodeAt(pos) === 10) line++;
    return line;
  };
}
