/**
 * Turning ajv-style errors into short, readable SchemaIssues.
 *
 * Both sources of errors (kubernetes-models' precompiled validators and our own ajv
 * instance for CRD schemas) emit the ajv ErrorObject shape: a JSON pointer
 * `instancePath`, a `keyword` and keyword-specific `params`. This module:
 *   - renders the pointer as a field path, using the object itself to tell array
 *     indexes ("[0]") from keys;
 *   - words each keyword as a sentence that names the offending value;
 *   - folds the noise of failed anyOf/oneOf (one error per alternative plus the
 *     combinator's own) into one message per field.
 */

import { editDistance } from "../model/edit-distance.ts";
import type { AjvLikeError, SchemaIssue } from "./types.ts";

// ---------------------------------------------------------------------------
// Paths

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Appends one key to a display path: `a.b`, `a["app.kubernetes.io/name"]`. */
export function joinKey(path: string, key: string): string {
  if (IDENTIFIER.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

export function joinIndex(path: string, index: number): string {
  return `${path}[${index}]`;
}

function decodePointerToken(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** JSON pointer ("/spec/ports/0/port") → display path ("spec.ports[0].port"), walking `root` to spot arrays. */
export function pointerToPath(pointer: string, root: unknown): string {
  if (pointer === "" || pointer === "/") return "";
  const tokens = pointer.slice(1).split("/").map(decodePointerToken);
  let path = "";
  let node: unknown = root;
  for (const token of tokens) {
    if (Array.isArray(node) && /^\d+$/.test(token)) {
      path = joinIndex(path, Number(token));
      node = node[Number(token)];
    } else {
      path = joinKey(path, token);
      node = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[token] : undefined;
    }
  }
  return path;
}

/** The value at a JSON pointer, or undefined. */
function valueAt(pointer: string, root: unknown): unknown {
  if (pointer === "" || pointer === "/") return root;
  let node: unknown = root;
  for (const raw of pointer.slice(1).split("/")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[decodePointerToken(raw)];
  }
  return node;
}

// ---------------------------------------------------------------------------
// Describing values

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** `string "80"`, `integer 3`, `boolean true`, `object`, `array`, `null`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "undefined (the field is dropped when written as YAML)";
  const type = jsonType(value);
  if (type === "string" || type === "integer" || type === "number" || type === "boolean") {
    return `${type} ${preview(value)}`;
  }
  return type;
}

/** A short JSON rendering of a scalar, truncated. */
export function preview(value: unknown, max = 60): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function listValues(values: readonly unknown[], max = 12): string {
  const shown = values.slice(0, max).map((v) => (typeof v === "string" && v !== "" && !v.includes(", ") ? v : preview(v)));
  return values.length > max ? `${shown.join(", ")}, … (${values.length} in all)` : shown.join(", ");
}

// ---------------------------------------------------------------------------
// Suggestions

/** The closest candidate to `key` (case-insensitive match or small edit distance), if any. */
export function suggest(key: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  const lower = key.toLowerCase();
  for (const candidate of candidates) {
    if (candidate === key) continue;
    const score = editDistance(lower, candidate.toLowerCase());
    const limit = Math.max(1, Math.min(3, Math.floor(Math.max(key.length, candidate.length) / 4)));
    if (score <= limit && score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

export function unknownFieldMessage(key: string, known: Iterable<string> | undefined): string {
  const hint = known ? suggest(key, known) : undefined;
  return hint ? `unknown field "${key}" (did you mean "${hint}"?)` : `unknown field "${key}"`;
}

// ---------------------------------------------------------------------------
// One error → one message

function typeList(type: unknown): string[] {
  if (Array.isArray(type)) return type.map(String);
  if (typeof type === "string") return type.split(",");
  return [String(type)];
}

function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

function quoteHint(expected: readonly string[], value: unknown): string {
  const t = jsonType(value);
  if (expected.includes("string") && !expected.includes(t) && (t === "integer" || t === "number" || t === "boolean")) {
    return ` (quote it: "${String(value)}")`;
  }
  return "";
}

/** `must be integer, got string "80"`, with a hint to quote numbers and booleans where a string is expected. */
export function typeMessage(expected: readonly string[], value: unknown): string {
  return `must be ${orList(expected)}, got ${describeValue(value)}${quoteHint(expected, value)}`;
}

/** Sentence for one (already merged) error. `value` is the data at the error's path. */
function messageFor(error: AjvLikeError, value: unknown): string {
  const p = error.params;
  switch (error.keyword) {
    case "type":
      return typeMessage(typeList(p.type), value);
    case "required":
      return `missing required field "${String(p.missingProperty)}"`;
    case "enum": {
      const allowed = Array.isArray(p.allowedValues) ? p.allowedValues : [];
      return `must be one of: ${listValues(allowed)}; got ${describeValue(value)}`;
    }
    case "const":
      return `must be ${preview(p.allowedValue)}, got ${describeValue(value)}`;
    case "additionalProperties":
      return unknownFieldMessage(String(p.additionalProperty), knownProperties(error.parentSchema));
    case "pattern":
      return `must match the pattern ${String(p.pattern)}, got ${describeValue(value)}`;
    case "format":
      return `must be a valid ${String(p.format)}, got ${describeValue(value)}`;
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return `must be ${String(p.comparison)} ${String(p.limit)}, got ${describeValue(value)}`;
    case "minLength":
      return `must be at least ${String(p.limit)} characters long${typeof value === "string" ? `, got ${value.length}` : ""}`;
    case "maxLength":
      return `must be at most ${String(p.limit)} characters long${typeof value === "string" ? `, got ${value.length}` : ""}`;
    case "minItems":
      return `must have at least ${String(p.limit)} item${p.limit === 1 ? "" : "s"}${Array.isArray(value) ? `, got ${value.length}` : ""}`;
    case "maxItems":
      return `must have at most ${String(p.limit)} item${p.limit === 1 ? "" : "s"}${Array.isArray(value) ? `, got ${value.length}` : ""}`;
    case "minProperties":
      return `must have at least ${String(p.limit)} field${p.limit === 1 ? "" : "s"}`;
    case "maxProperties":
      return `must have at most ${String(p.limit)} field${p.limit === 1 ? "" : "s"}`;
    case "uniqueItems": {
      const [a, b] = [Number(p.i), Number(p.j)].sort((x, y) => x - y);
      return `must not contain duplicates (items ${a} and ${b} are identical)`;
    }
    case "multipleOf":
      return `must be a multiple of ${String(p.multipleOf)}, got ${describeValue(value)}`;
    case "not":
      return "must not match the forbidden form";
    case "oneOf":
    case "anyOf":
      return error.keyword === "oneOf" ? "must match exactly one of the allowed forms" : "must match one of the allowed forms";
    case "dependencies":
    case "dependentRequired":
      return `field "${String(p.property)}" requires field "${String(p.missingProperty)}"`;
    case "propertyNames":
      return `has an invalid field name "${String(p.propertyName)}"`;
    case "kindling":
      return String(p.message);
    default:
      return error.message ? error.message : `fails the "${error.keyword}" check`;
  }
}

function knownProperties(parentSchema: unknown): string[] | undefined {
  if (parentSchema && typeof parentSchema === "object") {
    const props = (parentSchema as { properties?: unknown }).properties;
    if (props && typeof props === "object") return Object.keys(props);
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Folding anyOf / oneOf

function isAtOrUnder(path: string, base: string): boolean {
  return path === base || path.startsWith(`${base}/`);
}

/** For verbose errors: the required field names of each alternative, if every alternative is "required-only". */
function requiredOnlyBranches(schema: unknown): string[][] | undefined {
  if (!Array.isArray(schema)) return undefined;
  const out: string[][] = [];
  for (const branch of schema) {
    if (!branch || typeof branch !== "object") return undefined;
    const b = branch as Record<string, unknown>;
    const keys = Object.keys(b).filter((k) => k !== "properties" && k !== "description");
    if (keys.length !== 1 || keys[0] !== "required" || !Array.isArray(b.required)) return undefined;
    out.push(b.required.map(String));
  }
  return out;
}

function kindlingError(instancePath: string, message: string): AjvLikeError {
  return { instancePath, keyword: "kindling", params: { message } };
}

function quoteAll(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(", ");
}

/**
 * Replaces the alternatives' errors of a failed anyOf/oneOf by a summary.
 * `branch` are the errors emitted while trying the alternatives (at the combinator's
 * path or below); returns what to keep instead.
 */
function summarize(combinator: AjvLikeError, branch: AjvLikeError[]): AjvLikeError[] {
  const at = combinator.instancePath;
  const exactlyOne = combinator.keyword === "oneOf";
  const passing = combinator.params.passingSchemas;

  // oneOf that failed because several alternatives matched.
  if (exactlyOne && Array.isArray(passing)) {
    const branches = requiredOnlyBranches(combinator.schema);
    if (branches) {
      const names = passing.flatMap((i) => branches[Number(i)] ?? []);
      return [...branch, kindlingError(at, `must set only one of: ${quoteAll(names)}`)];
    }
    return [...branch, kindlingError(at, `must match exactly one of the allowed forms, but matches ${passing.length}`)];
  }

  const shallow = branch.filter((e) => e.instancePath === at);
  const deep = branch.filter((e) => e.instancePath !== at);
  const out: AjvLikeError[] = [];

  // "must set one of" for alternatives that each require a field.
  const branchRequired = requiredOnlyBranches(combinator.schema);
  const requiredNames = new Set(branchRequired?.flat());
  const required = shallow.filter(
    (e) => e.keyword === "required" && (branchRequired ? requiredNames.has(String(e.params.missingProperty)) : true),
  );
  if (required.length >= 2 || (branchRequired && required.length >= 1)) {
    const names = branchRequired ? [...requiredNames] : [...new Set(required.map((e) => String(e.params.missingProperty)))];
    out.push(
      kindlingError(at, exactlyOne ? `must set exactly one of: ${quoteAll(names)}` : `must set at least one of: ${quoteAll(names)}`),
    );
  } else {
    out.push(...required);
  }
  const rest = shallow.filter((e) => !required.includes(e));

  // Alternatives that failed on type: if some alternative got past the type check
  // (it produced errors deeper down), the value is of that alternative's type and
  // the other alternatives' type errors are noise. Otherwise merge into one.
  const types = rest.filter((e) => e.keyword === "type");
  if (types.length > 0 && deep.length === 0) {
    const expected = [...new Set(types.flatMap((e) => typeList(e.params.type)))];
    out.push({ instancePath: at, keyword: "type", params: { type: expected } });
  }
  const enums = rest.filter((e) => e.keyword === "enum" || e.keyword === "const");
  if (enums.length > 0) {
    const allowed = [
      ...new Set(enums.flatMap((e) => (e.keyword === "enum" ? (e.params.allowedValues as unknown[]) : [e.params.allowedValue]))),
    ];
    out.push({ instancePath: at, keyword: "enum", params: { allowedValues: allowed } });
  }
  out.push(...rest.filter((e) => e.keyword !== "type" && e.keyword !== "enum" && e.keyword !== "const"));
  out.push(...deep);
  if (out.length === 0) out.push(combinator);
  return out;
}

/** Folds combinator noise; drops "if" bookkeeping errors. Order is preserved otherwise. */
export function collapse(errors: readonly AjvLikeError[]): AjvLikeError[] {
  const out: AjvLikeError[] = [];
  for (const error of errors) {
    if (error.keyword === "if") continue;
    if (error.keyword === "anyOf" || error.keyword === "oneOf") {
      let start = out.length;
      while (start > 0 && isAtOrUnder((out[start - 1] as AjvLikeError).instancePath, error.instancePath)) start--;
      const branch = out.splice(start);
      out.push(...summarize(error, branch));
      continue;
    }
    out.push(error);
  }
  return out;
}

/** ajv-style errors → deduplicated SchemaIssues (paths rendered against `root`). */
export function toIssues(errors: readonly AjvLikeError[], root: unknown): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  const collapsed = collapse(errors);
  // An enum error already names the value; a type error at the same place adds nothing.
  const enumAt = new Set(collapsed.filter((e) => e.keyword === "enum" || e.keyword === "const").map((e) => e.instancePath));
  for (const error of collapsed) {
    if (error.keyword === "type" && enumAt.has(error.instancePath)) continue;
    let pointer = error.instancePath;
    let message: string;
    if (error.keyword === "additionalProperties") {
      // Point at the unknown field itself; an unknown field set to undefined is never written out.
      pointer = `${pointer}/${String(error.params.additionalProperty).replace(/~/g, "~0").replace(/\//g, "~1")}`;
      if (valueAt(pointer, root) === undefined) continue;
      message = messageFor(error, undefined);
    } else {
      message = messageFor(error, valueAt(pointer, root));
    }
    const path = pointerToPath(pointer, root);
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ path, message });
  }
  return issues;
}

/** Orders issues by path (array indexes numerically), keeping the original order within a path. */
export function sortIssues(issues: SchemaIssue[]): SchemaIssue[] {
  return issues
    .map((issue, i) => ({ issue, i }))
    .sort((a, b) => a.issue.path.localeCompare(b.issue.path, "en", { numeric: true }) || a.i - b.i)
    .map((x) => x.issue);
}
