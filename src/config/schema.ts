/**
 * A small runtime schema for component options.
 *
 * The config file is TypeScript, so editors catch most mistakes while typing,
 * but it is loaded without a type check (that is what keeps `kindling build`
 * fast), and values may come from environment variables or JSON. So every
 * option is checked again at load time, and a mistake is reported with the
 * environment, the option path and what is allowed.
 *
 * We keep our own instead of a general validation library because the error
 * text is the product here: each schema knows how to describe what it allows.
 */

import { editDistance } from "../model/edit-distance.ts";
import { isPlainObject } from "../model/plain.ts";

export { isPlainObject };

export interface ConfigIssue {
  /** Dotted option path, e.g. "environments.staging.components.traefik.replicas". */
  path: string;
  message: string;
}

export interface Schema<T> {
  /** What the schema allows, in words: "integer from 1 to 10". */
  readonly allowed: string;
  /** Checks a value (after defaults are merged). Pushes issues; returns the value when valid. */
  check(value: unknown, path: string, issues: ConfigIssue[]): T | undefined;
  /** Optional fields may be absent. */
  readonly optional?: boolean;
  readonly doc?: string;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

interface Common {
  /** One line on what the option does; shown in errors and generated docs. */
  doc?: string;
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

function fail(issues: ConfigIssue[], path: string, allowed: string, value: unknown): undefined {
  issues.push({ path, message: `expected ${allowed}, got ${describeValue(value)}` });
  return undefined;
}

export function string(opts: Common & { pattern?: RegExp; patternHint?: string; minLength?: number } = {}): Schema<string> {
  const allowed = opts.patternHint ?? (opts.pattern ? `a string matching ${opts.pattern}` : "a string");
  return {
    allowed,
    doc: opts.doc,
    check(value, path, issues) {
      if (typeof value !== "string") return fail(issues, path, allowed, value);
      if (opts.minLength !== undefined && value.length < opts.minLength) {
        return fail(issues, path, opts.minLength === 1 ? "a non-empty string" : allowed, value);
      }
      if (opts.pattern && !opts.pattern.test(value)) return fail(issues, path, allowed, value);
      return value;
    },
  };
}

export function int(opts: Common & { min?: number; max?: number } = {}): Schema<number> {
  const { min, max } = opts;
  const allowed =
    min !== undefined && max !== undefined
      ? `an integer from ${min} to ${max}`
      : min !== undefined
        ? `an integer ≥ ${min}`
        : max !== undefined
          ? `an integer ≤ ${max}`
          : "an integer";
  return {
    allowed,
    doc: opts.doc,
    check(value, path, issues) {
      if (typeof value !== "number" || !Number.isInteger(value)) return fail(issues, path, allowed, value);
      if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
        return fail(issues, path, allowed, value);
      }
      return value;
    },
  };
}

export function bool(opts: Common = {}): Schema<boolean> {
  const allowed = "true or false";
  return {
    allowed,
    doc: opts.doc,
    check(value, path, issues) {
      return typeof value === "boolean" ? value : fail(issues, path, allowed, value);
    },
  };
}

export function oneOf<const V extends readonly (string | number)[]>(values: V, opts: Common = {}): Schema<V[number]> {
  const allowed = `one of ${values.map((v) => JSON.stringify(v)).join(", ")}`;
  return {
    allowed,
    doc: opts.doc,
    check(value, path, issues) {
      return values.includes(value as V[number]) ? (value as V[number]) : fail(issues, path, allowed, value);
    },
  };
}

/** A Kubernetes resource quantity: "250m", "1", "512Mi", "2Gi". */
export function quantity(opts: Common = {}): Schema<string> {
  return string({
    ...opts,
    pattern: /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/,
    patternHint: 'a Kubernetes quantity such as "250m", "512Mi" or "2Gi"',
  });
}

/** A NodePort in the range Kubernetes allows by default. */
export function nodePort(opts: Common = {}): Schema<number> {
  return int({ ...opts, min: 30000, max: 32767 });
}

export function optional<T>(inner: Schema<T>): Schema<T | undefined> {
  return {
    allowed: `${inner.allowed} (optional)`,
    doc: inner.doc,
    optional: true,
    check(value, path, issues) {
      return value === undefined ? undefined : inner.check(value, path, issues);
    },
  };
}

export function array<T>(item: Schema<T>, opts: Common & { minItems?: number } = {}): Schema<T[]> {
  const allowed = `a list of ${item.allowed}`;
  return {
    allowed,
    doc: opts.doc,
    check(value, path, issues) {
      if (!Array.isArray(value)) return fail(issues, path, allowed, value);
      if (opts.minItems !== undefined && value.length < opts.minItems) {
        issues.push({ path, message: `needs at least ${opts.minItems} item(s), got ${value.length}` });
        return undefined;
      }
      const before = issues.length;
      const out = value.map((v, i) => item.check(v, `${path}[${i}]`, issues));
      return issues.length === before ? (out as T[]) : undefined;
    },
  };
}

export function record<T>(
  valueSchema: Schema<T>,
  opts: Common & { keyPattern?: RegExp; keyHint?: string } = {},
): Schema<Record<string, T>> {
  const allowed = `a map of names to ${valueSchema.allowed}`;
  return {
    allowed,
    doc: opts.doc,
    check(value, path, issues) {
      if (!isPlainObject(value)) return fail(issues, path, allowed, value);
      const before = issues.length;
      const out: Record<string, T> = {};
      for (const [k, v] of Object.entries(value)) {
        if (opts.keyPattern && !opts.keyPattern.test(k)) {
          issues.push({
            path: `${path}.${k}`,
            message: `the name ${JSON.stringify(k)} is not allowed: expected ${opts.keyHint ?? `a name matching ${opts.keyPattern}`}`,
          });
          continue;
        }
        const checked = valueSchema.check(v, `${path}.${k}`, issues);
        if (checked !== undefined) out[k] = checked;
      }
      return issues.length === before ? out : undefined;
    },
  };
}

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K]["optional"] extends true ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
export type ObjectOf<S extends Shape> = { [K in RequiredKeys<S>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> };

export interface ObjectSchema<T> extends Schema<T> {
  readonly shape: Shape;
}

/**
 * An object with a fixed set of fields. Unknown fields are an error (a typo
 * in an option name must never be silently ignored); a required field that is
 * absent is reported as missing, with what it expects.
 */
export function object<S extends Shape>(shape: S, opts: Common = {}): ObjectSchema<ObjectOf<S>> {
  const allowed = "an object";
  const known = Object.keys(shape);
  return {
    allowed,
    doc: opts.doc,
    shape,
    check(value, path, issues) {
      if (!isPlainObject(value)) return fail(issues, path, allowed, value);
      const before = issues.length;
      for (const key of Object.keys(value)) {
        if (!(key in shape)) {
          const near = closest(key, known);
          issues.push({
            path: join(path, key),
            message: `unknown option${near ? ` (did you mean "${near}"?)` : ""}; allowed here: ${known.join(", ") || "none"}`,
          });
        }
      }
      const out: Record<string, unknown> = {};
      for (const [key, schema] of Object.entries(shape)) {
        const v = (value as Record<string, unknown>)[key];
        if (v === undefined) {
          if (!schema.optional) {
            issues.push({
              path: join(path, key),
              message: `missing required value: expected ${schema.allowed}${schema.doc ? ` (${schema.doc})` : ""}`,
            });
          }
          continue;
        }
        const checked = schema.check(v, join(path, key), issues);
        if (checked !== undefined) out[key] = checked;
      }
      return issues.length === before ? (out as ObjectOf<S>) : undefined;
    },
  };
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** The known name closest to a typo, if it is close enough to be a useful hint. */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = editDistance(input.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(input.length / 3)) ? best : undefined;
}
