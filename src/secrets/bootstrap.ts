import type { KubeObject } from "../model/k8s.ts";
import { initSecrets, secretObjects } from "./manage.ts";
import { isPersonalEnvironment, missingSecrets, secretsFile } from "./store.ts";
import type { SecretRequirement } from "./types.ts";

export interface NamedSecret {
  namespace: string;
  name: string;
  keys: string[];
}

export interface BootstrapSecretsOptions {
  root: string;
  env: string;
  /** Full requirements (with how to generate each value), from the config; only needed to fill gaps. */
  requirements: () => Promise<SecretRequirement[]>;
}

/**
 * The Secret objects `kindling up` creates. The local environment is made to
 * just work: values kindling may generate are generated on first use (and kept
 * encrypted in secrets/local.sops.yaml, so the next `up` finds the same ones).
 * Elsewhere nothing is generated behind anyone's back: a missing value is an
 * error that says which `kindling secrets` command fills it.
 */
export async function bootstrapSecrets(named: NamedSecret[], opts: BootstrapSecretsOptions): Promise<KubeObject[]> {
  if (named.length === 0) return [];
  const asRequirements: SecretRequirement[] = named.map((s) => ({
    namespace: s.namespace,
    name: s.name,
    keys: Object.fromEntries(s.keys.map((k) => [k, { description: k, generate: "manual" as const }])),
  }));
  if (isPersonalEnvironment(opts.env) && missingSecrets(asRequirements, secretsFile(opts.root, opts.env)).length > 0) {
    await initSecrets(opts.root, opts.env, await opts.requirements());
  }
  return secretObjects(opts.root, opts.env, asRequirements);
}
