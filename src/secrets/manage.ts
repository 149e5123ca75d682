import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { parse, stringify } from "yaml";
import type { KubeObject } from "../model/k8s.ts";
import { isPlainObject } from "../model/plain.ts";
import { sha256Hex } from "../tools/hash.ts";
import { writeFileAtomic } from "../tools/write-atomic.ts";
import { ageKeygen, agePublicKey, SecretsError, sopsDecrypt, sopsEncrypt } from "./sops.ts";
import { ageKeyFile, ensureDir, isPersonalEnvironment, recipientsOf, secretsFile, sopsConfigFile } from "./store.ts";
import { type SecretRequirement, secretId } from "./types.ts";

type Values = Record<string, Record<string, string>>;

/** Annotation on each bootstrapped Secret: sha256 of its values' ciphertext in the SOPS file. */
const ENCRYPTED_DIGEST = "kindling.dev/encrypted-digest";

export interface InitResult {
  file: string;
  /** "<namespace>/<name>:<key>" entries that were generated now. */
  generated: string[];
  /** Entries only a person can provide (`kindling secrets set`). */
  manual: string[];
  /** True when the file was (re)written. */
  written: boolean;
  keyCreated: boolean;
}

/**
 * Makes sure every Secret the environment needs has its values in
 * secrets/<env>.sops.yaml: creates an age key and .sops.yaml on first use,
 * generates what may be generated, and lists what a person must set. Values
 * already present are never changed, and the file is only rewritten when
 * something was added — running it twice changes nothing.
 */
export async function initSecrets(root: string, env: string, requirements: SecretRequirement[]): Promise<InitResult> {
  const keyFile = ageKeyFile();
  let keyCreated = false;
  if (!existsSync(keyFile)) {
    await ensureDir(keyFile);
    await ageKeygen(keyFile);
    keyCreated = true;
  }
  const recipients = await recipientsFor(root, env, keyFile);

  const file = secretsFile(root, env);
  const values = existsSync(file) ? await decryptValues(file) : {};
  const generated: string[] = [];
  const manual: string[] = [];
  for (const req of requirements) {
    const id = secretId(req);
    for (const [key, spec] of Object.entries(req.keys)) {
      if (values[id]?.[key] !== undefined) continue;
      if (spec.generate === "manual") {
        manual.push(`${id}:${key}`);
        continue;
      }
      values[id] = { ...values[id], [key]: spec.generate === "password" ? randomBytes(24).toString("base64url") : spec.generate.value };
      generated.push(`${id}:${key}`);
    }
  }
  const written = generated.length > 0 || !existsSync(file);
  if (written) await writeValues(file, values, recipients);
  return { file, generated, manual, written, keyCreated };
}

/** Sets one value (read by the caller from stdin, never from the command line). */
export async function setSecret(root: string, env: string, id: string, key: string, value: string): Promise<string> {
  const file = secretsFile(root, env);
  const keyFile = ageKeyFile();
  if (!existsSync(keyFile)) throw new SecretsError(`no age key at ${keyFile}`, `run \`kindling secrets init --env ${env}\` first`);
  const recipients = await recipientsFor(root, env, keyFile);
  const values = existsSync(file) ? await decryptValues(file) : {};
  values[id] = { ...values[id], [key]: value };
  await writeValues(file, values, recipients);
  return file;
}

/**
 * The Secret objects to create in the cluster at bootstrap, decrypted in
 * memory. Only the Secrets the environment declares are returned, and a
 * missing value is an error naming the Secret, the key and the fix.
 */
export async function secretObjects(root: string, env: string, requirements: SecretRequirement[]): Promise<KubeObject[]> {
  if (requirements.length === 0) return [];
  const file = secretsFile(root, env);
  if (!existsSync(file)) {
    throw new SecretsError(`${file} does not exist`, `run \`kindling secrets init --env ${env}\``);
  }
  const values = await decryptValues(file);
  const encrypted = parse(await readFile(file, "utf8")) as Record<string, unknown>;
  return requirements.map((req) => {
    const id = secretId(req);
    const data: Record<string, string> = {};
    for (const key of Object.keys(req.keys).sort()) {
      const value = values[id]?.[key];
      if (value === undefined) {
        throw new SecretsError(
          `${file} has no value for ${id} key ${key}`,
          `run \`kindling secrets init --env ${env}\`, or \`kindling secrets set --env ${env} ${id} ${key}\``,
        );
      }
      data[key] = Buffer.from(value, "utf8").toString("base64");
    }
    return {
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: req.name,
        namespace: req.namespace,
        labels: { "app.kubernetes.io/managed-by": "kindling", "kindling.dev/secret": "sops" },
        // Changes whenever a value changes, yet says nothing about the values: a digest of
        // their ciphertext. The bootstrap's warm-start hash is taken over this, never over values.
        annotations: {
          [ENCRYPTED_DIGEST]: sha256Hex(JSON.stringify(encrypted[id] ?? null)),
        },
      },
      type: "Opaque",
      data,
    };
  });
}

async function decryptValues(file: string): Promise<Values> {
  const doc = parse(await sopsDecrypt(file, ageKeyFile())) as unknown;
  const out: Values = {};
  if (!isPlainObject(doc)) return out;
  for (const [id, entry] of Object.entries(doc)) {
    if (!isPlainObject(entry)) continue;
    out[id] = Object.fromEntries(Object.entries(entry).map(([k, v]) => [k, String(v)]));
  }
  return out;
}

async function writeValues(file: string, values: Values, recipients: string[]): Promise<void> {
  const sorted = Object.fromEntries(
    Object.keys(values)
      .sort()
      .map((id) => [id, Object.fromEntries(Object.entries(values[id] ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))]),
  );
  const encrypted = await sopsEncrypt(stringify(sorted), recipients, file);
  await ensureDir(file);
  await writeFileAtomic(file, encrypted, { mode: 0o644 });
}

/**
 * Who can decrypt. A personal environment's file is encrypted to this
 * machine's own key only. Shared environments (staging, prod) are encrypted to
 * the team's keys listed in .sops.yaml, which is created with your key the
 * first time and committed; teammates are added there.
 */
async function recipientsFor(root: string, env: string, keyFile: string): Promise<string[]> {
  if (isPersonalEnvironment(env)) return [await agePublicKey(keyFile)];
  if (recipientsOf(root).length === 0) await writeSopsConfig(root, await agePublicKey(keyFile));
  return recipientsOf(root);
}

async function writeSopsConfig(root: string, publicKey: string): Promise<void> {
  const file = sopsConfigFile(root);
  const existing = existsSync(file) ? await readFile(file, "utf8") : "";
  if (existing.trim()) {
    throw new SecretsError(
      `${file} exists but has no age recipients`,
      "add a creation rule with `age: <your public key>` for path_regex secrets/.*\\.sops\\.yaml$",
    );
  }
  await writeFile(
    file,
    [
      "# Written by `kindling secrets init`. Everyone who may decrypt secrets/<env>.sops.yaml",
      "# is an age recipient here (comma-separated); after a change run `sops updatekeys <file>`.",
      "creation_rules:",
      "  - path_regex: secrets/.*\\.sops\\.yaml$",
      `    age: ${publicKey}`,
      "",
    ].join("\n"),
  );
}
