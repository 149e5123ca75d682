/**
 * A YAML writer for the data kindling writes: plain JSON-like values (maps,
 * lists, strings, numbers, booleans, null) in block style.
 *
 * Why our own: the general-purpose `yaml` package builds a document tree for
 * every object and was the largest single cost of a build (about a third of a
 * warm `kindling build`). This writer is one recursive pass over the data.
 *
 * Safety rule: a string is written plain only when every YAML reader reads it
 * back as the same string, YAML 1.1 readers included (Go's yaml.v2, which
 * kubectl and Argo CD use, reads `on`, `yes`, `0644` and `1:30` as non-strings).
 * Anything doubtful is double-quoted as JSON, which is valid YAML. The tests
 * round-trip every rendered object through both YAML 1.1 and 1.2 parsers.
 */

import { isPlainObject } from "../model/plain.ts";

export function emitYaml(value: unknown): string {
  const lines: string[] = [];
  emitBlock(value, 0, lines);
  return `${lines.join("\n")}\n`;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Writes a map or list as block lines at `indent`; a scalar as one line. */
function emitBlock(value: unknown, indent: number, out: string[]): void {
  const pad = " ".repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push(`${pad}[]`);
      return;
    }
    for (const item of value) emitSequenceItem(item, indent, out);
    return;
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) {
      out.push(`${pad}{}`);
      return;
    }
    for (const [key, v] of entries) emitEntry(key, v, indent, out);
    return;
  }
  out.push(`${pad}${scalar(value as Json)}`);
}

function emitEntry(key: string, value: unknown, indent: number, out: string[]): void {
  const head = `${" ".repeat(indent)}${mapKey(key)}:`;
  if (Array.isArray(value)) {
    if (value.length === 0) out.push(`${head} []`);
    else {
      out.push(head);
      // Lists under a key are indented one step, as kubectl writes them.
      for (const item of value) emitSequenceItem(item, indent + 2, out);
    }
    return;
  }
  if (isPlainObject(value)) {
    if (Object.values(value).every((v) => v === undefined)) out.push(`${head} {}`);
    else {
      out.push(head);
      emitBlock(value, indent + 2, out);
    }
    return;
  }
  if (typeof value === "string" && isMultiline(value)) {
    out.push(`${head} ${blockHeader(value)}`);
    pushBlockLines(value, indent + 2, out);
    return;
  }
  out.push(`${head} ${scalar(value as Json)}`);
}

function emitSequenceItem(item: unknown, indent: number, out: string[]): void {
  const pad = " ".repeat(indent);
  if ((Array.isArray(item) && item.length > 0) || (isPlainObject(item) && Object.values(item).some((v) => v !== undefined))) {
    // Render the nested block two columns in, then put the dash in front of its first line.
    const start = out.length;
    emitBlock(item, indent + 2, out);
    out[start] = `${pad}- ${(out[start] as string).slice(indent + 2)}`;
    return;
  }
  if (typeof item === "string" && isMultiline(item)) {
    out.push(`${pad}- ${blockHeader(item)}`);
    pushBlockLines(item, indent + 2, out);
    return;
  }
  if (Array.isArray(item)) out.push(`${pad}- []`);
  else if (isPlainObject(item)) out.push(`${pad}- {}`);
  else out.push(`${pad}- ${scalar(item as Json)}`);
}

// --- multi-line strings as literal blocks -----------------------------------

/** Literal blocks keep text exactly, but cannot carry \r or other control characters. */
function isMultiline(s: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters force the quoted form
  return s.includes("\n") && !/[\u0000-\u0008\u000b-\u001f\u007f\u0085\u2028\u2029\ufeff]/.test(s) && !/^\s*$/.test(s);
}

function blockHeader(s: string): string {
  // An indentation indicator is needed when the text's first non-empty line starts with a space
  // (leading empty lines do not count: a reader would take the indentation from that line).
  const indicator = /^\n*[ ]/.test(s) ? "2" : "";
  const trailing = /\n+$/.exec(s)?.[0].length ?? 0;
  const chomp = trailing === 0 ? "-" : trailing === 1 ? "" : "+";
  return `|${indicator}${chomp}`;
}

function pushBlockLines(s: string, indent: number, out: string[]): void {
  const pad = " ".repeat(indent);
  const body = s.endsWith("\n") ? s.replace(/\n+$/, (m) => "\n".repeat(m.length - 1)) : s;
  for (const line of body.split("\n")) out.push(line === "" ? "" : `${pad}${line}`);
}

// --- scalars -------------------------------------------------------------------

function scalar(value: Json): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as YAML`);
    return String(value);
  }
  if (typeof value === "string") return plainSafe(value) ? value : JSON.stringify(value);
  throw new Error(`cannot write a ${typeof value} as YAML`);
}

function mapKey(key: string): string {
  return plainSafe(key) && !key.includes(":") && !key.includes(" ") ? key : JSON.stringify(key);
}

/** Words YAML 1.1 or 1.2 readers turn into booleans or null. */
const RESERVED = new Set(["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"]);

/**
 * Plain when it starts with a letter, "_", "/" or "." and uses only
 * characters that cannot start a YAML construct. Strings starting with a digit,
 * "+", "-" or "." followed by a digit are quoted: they could read as numbers,
 * dates, times or octal in some reader. ": " and " #" would start a map or a
 * comment; trailing or doubled spaces would be lost or are confusing.
 */
function plainSafe(s: string): boolean {
  if (s === "" || RESERVED.has(s.toLowerCase())) return false;
  // Quantities and durations ("512Mi", "250m", "30s") read as strings in every reader.
  if (/^[0-9]+(\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|Pi|M|G|T|P|ms|s|h)$/.test(s)) return true;
  if (!/^[A-Za-z_/.$][A-Za-z0-9_./:@$+=,()' -]*$/.test(s)) return false;
  if (s.startsWith("...") || s.startsWith("---")) return false;
  if (/^\.[0-9]/.test(s) || /^\.(inf|nan)$/i.test(s)) return false;
  if (s.endsWith(" ") || s.endsWith(":") || s.includes(": ") || s.includes(" #") || s.includes("  ")) return false;
  return true;
}
