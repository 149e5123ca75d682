import { existsSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import { isPlainObject } from "../model/plain.ts";
import { SecretsError } from "./sops.ts";
import { type SecretRequirement, secretId } from "./types.ts";

/**
 * Where secret values live: secrets/<env>.sops.yaml next to the config, one
 * top-level entry per Secret ("<namespace>/<name>") holding its keys. SOPS
 * encrypts the values and leaves the keys readable, so kindling can tell what
 * is missing without decrypting anything.
 */
export function secretsFile(root: string, env: string): string {
  return join(root, "secrets", `${env}.sops.yaml`);
}

/**
 * The local environment is personal: its values are generated on each machine
 * (by `kindling up` on first use), encrypted to that machine's own key only,
 * and the file is not committed (.gitignore).
 */
export function isPersonalEnvironment(env: string): boolean {
  return env === "local";
}

export function sopsConfigFile(root: string): string {
  return join(root, ".sops.yaml");
}

/** The age identity that decrypts: KINDLING_AGE_KEY_FILE, SOPS_AGE_KEY_FILE, or ~/.config/kindling/age/keys.txt. */
export function ageKeyFile(): string {
  const fromEnv = process.env.KINDLING_AGE_KEY_FILE || process.env.SOPS_AGE_KEY_FILE;
  if (fromEnv) return fromEnv;
  return join(process.env.XDG_CONFIG_HOME || join(homedir(), ".config"), "kindling", "age", "keys.txt");
}

export async function ensureDir(file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
}

/** Keys present per Secret, read from the encrypted file without decrypting it. */
function storedKeys(file: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  if (!existsSync(file)) return out;
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new SecretsError(
      `${file} is not valid YAML (${(e as Error).message.split("\n")[0]})`,
      "restore a valid version from git: an encrypted file cannot be merged line by line, so keep one side of a conflict and set the other side's values again with `kindling secrets set`",
    );
  }
  if (!isPlainObject(doc)) return out;
  for (const [id, value] of Object.entries(doc)) {
    if (id === "sops" || !isPlainObject(value)) continue;
    out.set(id, new Set(Object.keys(value)));
  }
  return out;
}

export interface MissingSecret {
  id: string;
  key: string;
  generated: boolean;
}

/** Required keys absent from the file; `generated` tells which `kindling secrets init` can fill. */
export function missingSecrets(requirements: SecretRequirement[], file: string): MissingSecret[] {
  const stored = storedKeys(file);
  const missing: MissingSecret[] = [];
  for (const req of requirements) {
    for (const [key, spec] of Object.entries(req.keys)) {
      if (!stored.get(secretId(req))?.has(key)) missing.push({ id: secretId(req), key, generated: spec.generate !== "manual" });
    }
  }
  return missing;
}

/** age recipients from .sops.yaml's first creation rule (the file sops itself reads for `sops edit`). */
export function recipientsOf(root: string): string[] {
  const file = sopsConfigFile(root);
  if (!existsSync(file)) return [];
  let doc: { creation_rules?: { age?: string }[] } | null;
  try {
    doc = parse(readFileSync(file, "utf8")) as typeof doc;
  } catch (e) {
    throw new SecretsError(
      `${file} is not valid YAML (${(e as Error).message.split("\n")[0]})`,
      "fix it: a creation rule with `path_regex: secrets/.*\\.sops\\.yaml$` and `age: <public key>[,<public key>...]`",
    );
  }
  const rules = Array.isArray(doc?.creation_rules) ? doc.creation_rules : [];
  const age = rules.find((r) => typeof r?.age === "string")?.age ?? "";
  return age
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean);
}
