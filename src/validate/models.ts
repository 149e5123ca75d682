/**
 * Schemas from the kubernetes-models packages: the core package for built-in kinds
 * and the @kubernetes-models/* packages for Istio, Argo CD, Traefik, the Prometheus
 * operator and the Gateway API.
 *
 * Each package lays out one ES module per type, `<root>/<group>/<version>/<Kind>.js`
 * (core group: `<root>/<version>/<Kind>.js`), exporting a class whose prototype
 * `validate()` runs a precompiled ajv validator and throws a ValidationError carrying
 * ajv errors. Top-level kinds (as opposed to nested types such as Container) have
 * static `apiVersion` and `kind`.
 *
 * Modules are located synchronously on disk (cheap, cached) and imported lazily,
 * once per kind, so a render that uses 40 kinds imports 40 module graphs, not 600.
 *
 * Unknown fields: the precompiled validators ignore fields their schema does not
 * name. We detect them by validating through a Proxy that records which keys the
 * validator reads: ajv's generated code reads every property its schema declares
 * (`data.replicas`), and enumerates the keys of maps (`for (k in data)`). Any key of
 * an object whose schema declared properties, that the validator never read, is
 * unknown to the schema. Objects the validator read nothing from (free-form fields
 * such as RawExtension or Helm values) are not judged.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { splitApiVersion } from "../model/k8s.ts";
import type { AjvLikeError, RawValidate } from "./types.ts";

/** Packages searched, in order. */
const MODEL_PACKAGES: readonly string[] = [
  "kubernetes-models",
  "@kubernetes-models/istio",
  "@kubernetes-models/argo-cd",
  "@kubernetes-models/traefik",
  "@kubernetes-models/prometheus-operator",
  "@kubernetes-models/gateway-api",
];

const VERSION = /^v[0-9]+[a-z0-9]*$/;
const KIND = /^[A-Za-z][A-Za-z0-9]*$/;

/**
 * Kinds whose upstream schema keeps unknown fields (x-kubernetes-preserve-unknown-fields)
 * in places the generated validators cannot tell us about: no unknown-field check for them.
 */
const PRESERVES_UNKNOWN_FIELDS = new Set(["install.istio.io/IstioOperator"]);

interface PackageRoot {
  name: string;
  root: string;
}

let groupIndex: Map<string, PackageRoot> | undefined;

function packageRoot(name: string): string | undefined {
  try {
    return dirname(fileURLToPath(import.meta.resolve(name)));
  } catch {
    return undefined;
  }
}

/** API group ("" = core) → the package that ships its models. Built once from the package directories. */
function groups(): Map<string, PackageRoot> {
  if (groupIndex) return groupIndex;
  const index = new Map<string, PackageRoot>();
  for (const name of MODEL_PACKAGES) {
    const root = packageRoot(name);
    if (!root) continue;
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(root, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name.startsWith("_") || entry.name === "node_modules") continue;
      const group = VERSION.test(entry.name) ? "" : entry.name;
      if (!index.has(group)) index.set(group, { name, root });
    }
  }
  groupIndex = index;
  return index;
}

const fileCache = new Map<string, string | null>();

function cacheKey(apiVersion: string, kind: string): string {
  return `${apiVersion}\u0000${kind}`;
}

/** The module file of a top-level kind, or undefined if no installed package models it. Synchronous, cached. */
export function modelFile(apiVersion: string, kind: string): string | undefined {
  const key = cacheKey(apiVersion, kind);
  const cached = fileCache.get(key);
  if (cached !== undefined) return cached ?? undefined;
  let found: string | null = null;
  const { group, version } = splitApiVersion(apiVersion);
  const pkg = VERSION.test(version) && KIND.test(kind) ? groups().get(group) : undefined;
  if (pkg) {
    const file = group === "" ? join(pkg.root, version, `${kind}.js`) : join(pkg.root, group, version, `${kind}.js`);
    // Nested types (Container, HTTPRouteRule, ...) have modules too, but no static kind.
    if (existsSync(file) && new RegExp(`\\bkind\\s*=\\s*["']${kind}["']`).test(readFileSync(file, "utf8"))) found = file;
  }
  fileCache.set(key, found);
  return found ?? undefined;
}

/** Package that models `apiVersion` `kind`, e.g. "@kubernetes-models/istio". */
export function modelPackage(apiVersion: string, kind: string): string | undefined {
  return modelFile(apiVersion, kind) ? groups().get(splitApiVersion(apiVersion).group)?.name : undefined;
}

/** Other versions of the same group that model `kind` (for "did you mean" hints). */
export function modelVersionsOf(apiVersion: string, kind: string): string[] {
  const { group } = splitApiVersion(apiVersion);
  const pkg = groups().get(group);
  if (!pkg || !KIND.test(kind)) return [];
  const dir = group === "" ? pkg.root : join(pkg.root, group);
  let versions: string[];
  try {
    versions = readdirSync(dir).filter((v) => VERSION.test(v));
  } catch {
    return [];
  }
  return versions.map((v) => (group === "" ? v : `${group}/${v}`)).filter((av) => av !== apiVersion && modelFile(av, kind) !== undefined);
}

// ---------------------------------------------------------------------------
// Loading

type ModelClass = { apiVersion?: unknown; kind?: unknown; prototype: { validate(this: unknown): void } };

const loaded = new Map<string, RawValidate>();
const loading = new Map<string, Promise<void>>();

/** The validator of a kind whose module has been loaded, else undefined. */
export function loadedModel(apiVersion: string, kind: string): RawValidate | undefined {
  return loaded.get(cacheKey(apiVersion, kind));
}

/** Imports the module of a kind (no-op if unknown or already loaded). */
export function loadModel(apiVersion: string, kind: string): Promise<void> {
  const key = cacheKey(apiVersion, kind);
  if (loaded.has(key)) return Promise.resolve();
  const pending = loading.get(key);
  if (pending) return pending;
  const file = modelFile(apiVersion, kind);
  if (!file) return Promise.resolve();
  const promise = import(pathToFileURL(file).href).then((mod: Record<string, unknown>) => {
    const cls = mod[kind] as ModelClass | undefined;
    if (!cls || cls.kind !== kind || cls.apiVersion !== apiVersion || typeof cls.prototype?.validate !== "function") {
      throw new Error(`kindling validate: ${file} does not export the model class of ${apiVersion} ${kind}`);
    }
    const { group } = splitApiVersion(apiVersion);
    loaded.set(key, makeValidator(cls, !PRESERVES_UNKNOWN_FIELDS.has(`${group}/${kind}`)));
    loading.delete(key);
  });
  loading.set(key, promise);
  return promise;
}

// ---------------------------------------------------------------------------
// Validation with key tracking

interface Tracker {
  proxy: unknown;
  /** Keys read per object (raw target). */
  read: Map<object, Set<string>>;
  /** Objects whose keys were enumerated (maps: all keys are validated). */
  enumerated: Set<object>;
}

// Plain Maps/Sets, not Weak ones: a tracker lives for one validation, and weak
// collections are much more expensive for the garbage collector.
function track(root: object): Tracker {
  const read = new Map<object, Set<string>>();
  const enumerated = new Set<object>();
  const proxies = new Map<object, object>();
  const note = (target: object, key: string | symbol) => {
    if (typeof key !== "string") return;
    let keys = read.get(target);
    if (!keys) {
      keys = new Set();
      read.set(target, keys);
    }
    keys.add(key);
  };
  const handler: ProxyHandler<object> = {
    get(target, key, receiver) {
      note(target, key);
      const value: unknown = Reflect.get(target, key, receiver);
      return value !== null && typeof value === "object" ? wrap(value) : value;
    },
    has(target, key) {
      note(target, key);
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      enumerated.add(target);
      return Reflect.ownKeys(target);
    },
  };
  const wrap = (target: object): object => {
    let proxy = proxies.get(target);
    if (!proxy) {
      proxy = new Proxy(target, handler);
      proxies.set(target, proxy);
    }
    return proxy;
  };
  return { proxy: wrap(root), read, enumerated };
}

function escapePointer(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

function ignoredKey(key: string): boolean {
  // The kubernetes-models generator strips schema annotations from its schemas, and with
  // them the *properties* that share their names: "description" (PriorityClass,
  // JSONSchemaProps, GatewayClass spec, ...) and "x-kubernetes-*" (JSONSchemaProps).
  // Their typings still declare them; the validators never read them.
  return key === "description" || key.startsWith("x-kubernetes-");
}

/** Synthesizes additionalProperties errors for keys the validator never read. */
function unknownFieldErrors(node: unknown, pointer: string, tracker: Tracker, out: AjvLikeError[]): void {
  if (node === null || typeof node !== "object") return;
  if (Array.isArray(node)) {
    node.forEach((item, i) => {
      unknownFieldErrors(item, `${pointer}/${i}`, tracker, out);
    });
    return;
  }
  const read = tracker.read.get(node);
  const judge = read !== undefined && read.size > 0 && !tracker.enumerated.has(node);
  for (const [key, value] of Object.entries(node)) {
    if (judge && !read.has(key) && !ignoredKey(key)) {
      out.push({
        instancePath: pointer,
        keyword: "additionalProperties",
        params: { additionalProperty: key },
        parentSchema: { properties: Object.fromEntries([...read].map((k) => [k, true])) },
      });
      continue;
    }
    unknownFieldErrors(value, `${pointer}/${escapePointer(key)}`, tracker, out);
  }
}

/*
 * Learned shapes: the keys a generated validator reads at a place in the object do
 * not depend on the data (it reads every declared property, present or not), so one
 * tracked validation teaches us the declared fields at every place it visited.
 * Later objects whose keys are all known at every place are validated without the
 * Proxy (several times faster); any object with a key not (yet) known takes the
 * tracked path, which is authoritative and teaches the shape more. Places are keyed
 * by field name, "[]" for array items and "*" for map values.
 */
interface Shape {
  /** Declared fields seen read here. */
  keys: Set<string>;
  /** The validator enumerated the keys here: a map, any key is fine. */
  map: boolean;
  /** Declared by the parent but nothing inside was read: free-form (RawExtension, Helm values, ...). */
  free: boolean;
  children: Map<string, Shape>;
}

function newShape(): Shape {
  return { keys: new Set(), map: false, free: false, children: new Map() };
}

function childShape(shape: Shape, key: string): Shape {
  let child = shape.children.get(key);
  if (!child) {
    child = newShape();
    shape.children.set(key, child);
  }
  return child;
}

function learn(value: unknown, shape: Shape, tracker: Tracker, declared: boolean): void {
  if (value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    const items = childShape(shape, "[]");
    for (const item of value) learn(item, items, tracker, declared);
    return;
  }
  const keys = tracker.read.get(value);
  const enumerated = tracker.enumerated.has(value);
  if (!keys && !enumerated) {
    if (declared) shape.free = true;
    return;
  }
  if (enumerated) shape.map = true;
  if (keys) for (const key of keys) shape.keys.add(key);
  for (const key of Object.keys(value)) {
    const child = (value as Record<string, unknown>)[key];
    if (child !== null && typeof child === "object") {
      learn(child, childShape(shape, shape.map ? "*" : key), tracker, enumerated || (keys?.has(key) ?? false));
    }
  }
}

/** True if every key of `value` is known at its place: no unknown field is possible. */
function knownShape(value: unknown, shape: Shape | undefined): boolean {
  if (value === null || typeof value !== "object") return true;
  if (!shape) return false;
  if (Array.isArray(value)) {
    const items = shape.children.get("[]");
    for (const item of value) if (!knownShape(item, items)) return false;
    return true;
  }
  if (shape.free) return true;
  const record = value as Record<string, unknown>;
  if (shape.map) {
    const values = shape.children.get("*");
    for (const key in record) if (!knownShape(record[key], values)) return false;
    return true;
  }
  if (shape.keys.size === 0) return false;
  for (const key in record) {
    if (!shape.keys.has(key)) {
      // Never read, so nothing below it is judged either; undefined is never written out.
      if (ignoredKey(key) || record[key] === undefined) continue;
      return false;
    }
    const child = record[key];
    if (child !== null && typeof child === "object" && !knownShape(child, shape.children.get(key))) return false;
  }
  return true;
}

function makeValidator(cls: ModelClass, checkUnknownFields: boolean): RawValidate {
  const run = cls.prototype.validate;
  const root = newShape();
  const validate = (data: unknown): AjvLikeError[] => {
    try {
      run.call(data);
      return [];
    } catch (error) {
      const list = (error as { errors?: unknown }).errors;
      if (!Array.isArray(list)) throw error;
      return (list as AjvLikeError[]).filter(
        // The generated schemas of some CRD packages mark apiVersion/kind of embedded
        // objects (e.g. Prometheus volumeClaimTemplate) required; the API server does not.
        (e) =>
          !(
            e.keyword === "required" &&
            e.instancePath !== "" &&
            (e.params.missingProperty === "apiVersion" || e.params.missingProperty === "kind")
          ),
      );
    }
  };
  return (data: unknown, unknownFields = true): AjvLikeError[] => {
    if (!unknownFields || !checkUnknownFields || data === null || typeof data !== "object" || knownShape(data, root)) {
      return validate(data);
    }
    const tracker = track(data);
    const errors = validate(tracker.proxy);
    learn(data, root, tracker, true);
    unknownFieldErrors(data, "", tracker, errors);
    return errors;
  };
}
