/**
 * Custom resources validated against the openAPIV3Schema of their
 * CustomResourceDefinition, compiled with ajv.
 *
 * A CRD schema is OpenAPI v3.0 plus Kubernetes extensions; before compiling we
 * rewrite it into plain JSON Schema with the API server's semantics:
 *   - nullable, OpenAPI's boolean exclusiveMinimum/Maximum, x-kubernetes-int-or-string;
 *   - unknown fields: the API server prunes (silently drops) fields a structural
 *     schema does not specify, unless x-kubernetes-preserve-unknown-fields; a field
 *     that would be dropped is almost always a typo, so it is an issue here
 *     (additionalProperties: false, outside anyOf/oneOf/allOf/not);
 *   - apiVersion, kind and metadata are implicit at the root and in embedded resources;
 *     metadata is checked by ./metadata.ts;
 *   - x-kubernetes-list-type: set → uniqueItems;
 *   - formats: the ones the API server checks and we implement; others are ignored,
 *     as are patterns JavaScript cannot compile (RE2-only syntax).
 * Not evaluated: x-kubernetes-validations (CEL) and list-map key uniqueness.
 *
 * Compiled validators are cached by a hash of the version's schema, so rebuilding
 * with unchanged CRDs compiles nothing.
 */
import { isIPv4, isIPv6 } from "node:net";
import { Ajv } from "ajv";
import type { KubeObject } from "../model/k8s.ts";
import { isPlainObject } from "../model/plain.ts";
import { sha256Hex } from "../tools/hash.ts";
import type { AjvLikeError, RawValidate, SchemaSource, Scope } from "./types.ts";

export interface CrdVersion {
  name: string;
  served: boolean;
  /** openAPIV3Schema; undefined = no schema (anything goes). */
  schema: unknown;
}

/** What validation needs from a CustomResourceDefinition. */
export interface CrdInfo {
  /** metadata.name of the CRD, e.g. "foos.example.com". */
  name: string;
  group: string;
  kind: string;
  scope: Scope;
  versions: Map<string, CrdVersion>;
  source: SchemaSource;
}

export function isCrdObject(obj: KubeObject): boolean {
  return (
    obj.kind === "CustomResourceDefinition" && typeof obj.apiVersion === "string" && obj.apiVersion.startsWith("apiextensions.k8s.io/")
  );
}

/** Reads a CustomResourceDefinition (apiextensions.k8s.io/v1, or the legacy v1beta1 layout). */
export function parseCrd(obj: KubeObject): CrdInfo | undefined {
  const spec = obj.spec;
  if (!isPlainObject(spec) || typeof spec.group !== "string" || !isPlainObject(spec.names) || typeof spec.names.kind !== "string") {
    return undefined;
  }
  const scope: Scope = spec.scope === "Cluster" ? "Cluster" : "Namespaced";
  const versions = new Map<string, CrdVersion>();
  const legacySchema = isPlainObject(spec.validation) ? spec.validation.openAPIV3Schema : undefined;
  if (Array.isArray(spec.versions)) {
    for (const v of spec.versions) {
      if (!isPlainObject(v) || typeof v.name !== "string") continue;
      const schema = isPlainObject(v.schema) ? v.schema.openAPIV3Schema : legacySchema;
      versions.set(v.name, { name: v.name, served: v.served !== false, schema });
    }
  } else if (typeof spec.version === "string") {
    versions.set(spec.version, { name: spec.version, served: true, schema: legacySchema });
  }
  return { name: obj.metadata?.name ?? "", group: spec.group, kind: spec.names.kind, scope, versions, source: "crd" };
}

// ---------------------------------------------------------------------------
// Formats

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const UUID = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*$/;
const DURATION = /^[-+]?(0|(\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h|d|w))+$/;
const MAC = /^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$/;

function isCidr(value: string): boolean {
  const slash = value.indexOf("/");
  if (slash < 0) return false;
  const addr = value.slice(0, slash);
  const bits = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits)) return false;
  const n = Number(bits);
  if (isIPv4(addr)) return n <= 32;
  if (isIPv6(addr)) return n <= 128;
  return false;
}

const FORMATS: Readonly<Record<string, (value: string) => boolean>> = {
  "date-time": (v) => RFC3339.test(v) && !Number.isNaN(Date.parse(v.replace(" ", "T"))),
  datetime: (v) => RFC3339.test(v) && !Number.isNaN(Date.parse(v.replace(" ", "T"))),
  date: (v) => DATE.test(v) && !Number.isNaN(Date.parse(v)),
  byte: (v) => BASE64.test(v),
  ipv4: (v) => isIPv4(v),
  ipv6: (v) => isIPv6(v),
  cidr: isCidr,
  uuid: (v) => UUID.test(v),
  hostname: (v) => HOSTNAME.test(v),
  duration: (v) => DURATION.test(v),
  mac: (v) => MAC.test(v),
};

// ---------------------------------------------------------------------------
// OpenAPI v3 + Kubernetes extensions → JSON Schema (draft-07, as ajv runs it)

const COPIED = [
  "enum",
  "minimum",
  "maximum",
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minProperties",
  "maxProperties",
  "multipleOf",
] as const;

interface ConvertContext {
  /** Inside allOf/anyOf/oneOf/not: structural rules (and our strictness) do not apply. */
  inJunctor: boolean;
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, "u");
    return true;
  } catch {
    return false;
  }
}

function isIntOrStringPair(list: unknown): boolean {
  if (!Array.isArray(list) || list.length !== 2) return false;
  const types = list.map((b) => (isPlainObject(b) && Object.keys(b).length === 1 ? b.type : undefined)).sort();
  return types[0] === "integer" && types[1] === "string";
}

function implicitTypeMeta(props: Record<string, unknown>, metadata: Record<string, unknown>): void {
  if (!props.apiVersion) props.apiVersion = { type: "string" };
  if (!props.kind) props.kind = { type: "string" };
  props.metadata = metadata;
}

/** metadata at the root: only name/generateName constraints are allowed in CRD schemas; the rest is ./metadata.ts. */
function rootMetadata(schema: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = { type: "object" };
  if (isPlainObject(schema) && isPlainObject(schema.properties)) {
    const props: Record<string, unknown> = {};
    for (const field of ["name", "generateName"]) {
      const s = schema.properties[field];
      if (isPlainObject(s)) props[field] = convert(s, { inJunctor: true });
    }
    if (Object.keys(props).length > 0) out.properties = props;
  }
  return out;
}

export function convert(node: Record<string, unknown>, ctx: ConvertContext, root = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const preserve = node["x-kubernetes-preserve-unknown-fields"] === true;
  const embedded = node["x-kubernetes-embedded-resource"] === true;

  if (node.type !== undefined) out.type = node.type;
  for (const key of COPIED) if (node[key] !== undefined) out[key] = node[key];
  if (Array.isArray(node.required)) out.required = node.required.filter((r) => typeof r === "string");
  if (typeof node.pattern === "string" && compiles(node.pattern)) out.pattern = node.pattern;
  if (typeof node.format === "string" && node.format in FORMATS) out.format = node.format;
  if (node.exclusiveMinimum === true && typeof node.minimum === "number") {
    out.exclusiveMinimum = node.minimum;
    delete out.minimum;
  }
  if (node.exclusiveMaximum === true && typeof node.maximum === "number") {
    out.exclusiveMaximum = node.maximum;
    delete out.maximum;
  }
  if (node["x-kubernetes-list-type"] === "set") out.uniqueItems = true;

  if (isPlainObject(node.properties)) {
    const props: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node.properties)) props[key] = isPlainObject(child) ? convert(child, ctx) : {};
    out.properties = props;
  }
  if (isPlainObject(node.items)) out.items = convert(node.items, ctx);
  if (typeof node.additionalProperties === "boolean") out.additionalProperties = node.additionalProperties;
  else if (isPlainObject(node.additionalProperties)) out.additionalProperties = convert(node.additionalProperties, ctx);

  let anyOf = node.anyOf;
  if (node["x-kubernetes-int-or-string"] === true) {
    if (out.type === undefined) out.type = ["integer", "string"];
    if (isIntOrStringPair(anyOf)) anyOf = undefined;
  }
  const junctor = { inJunctor: true };
  for (const [key, list] of [
    ["allOf", node.allOf],
    ["anyOf", anyOf],
    ["oneOf", node.oneOf],
  ] as const) {
    if (Array.isArray(list)) out[key] = list.map((b) => (isPlainObject(b) ? convert(b, junctor) : {}));
  }
  if (isPlainObject(node.not)) out.not = convert(node.not, junctor);

  if (node.nullable === true) {
    if (typeof out.type === "string") out.type = [out.type, "null"];
    else if (Array.isArray(out.type)) out.type = [...out.type, "null"];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  }

  if (root || embedded) {
    const props = (isPlainObject(out.properties) ? out.properties : {}) as Record<string, unknown>;
    const metadata = root ? rootMetadata(node.properties && (node.properties as Record<string, unknown>).metadata) : { type: "object" };
    implicitTypeMeta(props, metadata);
    out.properties = props;
    if (embedded) out.required = [...new Set([...((out.required as string[] | undefined) ?? []), "apiVersion", "kind"])];
  }

  const isObject = out.type === "object" || (out.type === undefined && out.properties !== undefined);
  if (isObject && !ctx.inJunctor && !preserve && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Factoring repeated subschemas
//
// CRD schemas are fully inlined: a label selector or a container spec appears dozens
// of times. ajv generates code for every occurrence, and code generation dominates
// compile time (about 25 ms per KB of schema). Identical subschemas are moved to
// "definitions" and referenced, so each is compiled once (inlineRefs: false).

const SUBSCHEMA = new Set(["items", "additionalProperties", "not"]);
const SUBSCHEMA_LISTS = new Set(["allOf", "anyOf", "oneOf"]);
/** Only subschemas of at least this many nodes are worth a function of their own. */
const MIN_FACTORED_NODES = 4;

interface Interned {
  id: number;
  first: Record<string, unknown>;
  count: number;
  nodes: number;
}

function factorSchema(root: Record<string, unknown>): Record<string, unknown> {
  const table = new Map<string, Interned>();
  const idOf = new Map<object, Interned>();

  const intern = (node: Record<string, unknown>): Interned => {
    let nodes = 1;
    const parts: string[] = [];
    for (const key of Object.keys(node).sort()) {
      const value = node[key];
      if (key === "properties" && isPlainObject(value)) {
        const props = Object.keys(value)
          .sort()
          .map((name) => {
            const child = value[name];
            if (!isPlainObject(child)) return `${JSON.stringify(name)}:${JSON.stringify(child)}`;
            const c = intern(child);
            nodes += c.nodes;
            return `${JSON.stringify(name)}:#${c.id}`;
          });
        parts.push(`properties:{${props.join(",")}}`);
      } else if (SUBSCHEMA.has(key) && isPlainObject(value)) {
        const c = intern(value);
        nodes += c.nodes;
        parts.push(`${key}:#${c.id}`);
      } else if (SUBSCHEMA_LISTS.has(key) && Array.isArray(value)) {
        const ids = value.map((branch) => {
          if (!isPlainObject(branch)) return JSON.stringify(branch);
          const c = intern(branch);
          nodes += c.nodes;
          return `#${c.id}`;
        });
        parts.push(`${key}:[${ids.join(",")}]`);
      } else {
        parts.push(`${key}:${JSON.stringify(value)}`);
      }
    }
    const canonical = parts.join(",");
    let entry = table.get(canonical);
    if (entry) entry.count++;
    else {
      entry = { id: table.size, first: node, count: 1, nodes };
      table.set(canonical, entry);
    }
    idOf.set(node, entry);
    return entry;
  };
  intern(root);

  const definitions: Record<string, unknown> = {};
  const rebuild = (node: Record<string, unknown>, isRoot: boolean): Record<string, unknown> => {
    const entry = idOf.get(node);
    if (!isRoot && entry && entry.count > 1 && entry.nodes >= MIN_FACTORED_NODES) {
      const name = `s${entry.id}`;
      if (!(name in definitions)) {
        definitions[name] = true; // placeholder against cycles (there are none in CRD schemas)
        definitions[name] = rebuildInner(entry.first);
      }
      return { $ref: `#/definitions/${name}` };
    }
    return rebuildInner(node);
  };
  const rebuildInner = (node: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === "properties" && isPlainObject(value)) {
        out.properties = Object.fromEntries(Object.entries(value).map(([n, c]) => [n, isPlainObject(c) ? rebuild(c, false) : c]));
      } else if (SUBSCHEMA.has(key) && isPlainObject(value)) {
        out[key] = rebuild(value, false);
      } else if (SUBSCHEMA_LISTS.has(key) && Array.isArray(value)) {
        out[key] = value.map((b) => (isPlainObject(b) ? rebuild(b, false) : b));
      } else {
        out[key] = value;
      }
    }
    return out;
  };
  const result = rebuild(root, true);
  if (Object.keys(definitions).length > 0) result.definitions = definitions;
  return result;
}

// ---------------------------------------------------------------------------
// Compiling, cached by content hash

const CONVERTER_VERSION = "1";

let ajvInstance: Ajv | undefined;

function ajv(): Ajv {
  if (!ajvInstance) {
    ajvInstance = new Ajv({
      allErrors: true,
      strict: false,
      verbose: true,
      logger: false,
      validateFormats: true,
      inlineRefs: false,
      code: { optimize: false },
    });
    for (const [name, validate] of Object.entries(FORMATS)) ajvInstance.addFormat(name, { type: "string", validate });
  }
  return ajvInstance;
}

export interface CompiledSchema {
  validate?: RawValidate;
  /** Why the schema could not be compiled. */
  error?: string;
}

const compiled = new Map<string, CompiledSchema>();

function schemaHash(schema: unknown): string {
  return sha256Hex(CONVERTER_VERSION + (JSON.stringify(schema) ?? ""));
}

/** Compiles (or fetches from the cache) the validator of one openAPIV3Schema. */
export function compileSchema(schema: unknown, hash = schemaHash(schema)): CompiledSchema {
  const hit = compiled.get(hash);
  if (hit) return hit;
  let result: CompiledSchema;
  if (schema === undefined || schema === null) {
    result = { validate: () => [] };
  } else if (!isPlainObject(schema)) {
    result = { error: "openAPIV3Schema is not an object" };
  } else {
    try {
      const fn = ajv().compile(factorSchema(convert(schema, { inJunctor: false }, true)));
      result = { validate: (data) => (fn(data) ? [] : ((fn.errors ?? []) as AjvLikeError[])) };
    } catch (error) {
      result = { error: error instanceof Error ? error.message : String(error) };
    }
  }
  compiled.set(hash, result);
  return result;
}

/** Number of distinct compiled schemas in the process-wide cache (for tests and benchmarks). */
export function compiledSchemaCount(): number {
  return compiled.size;
}
