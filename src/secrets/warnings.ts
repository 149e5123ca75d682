import { SecretsError } from "./sops.ts";
import { isPersonalEnvironment, missingSecrets, secretsFile } from "./store.ts";
import type { SecretRequirement } from "./types.ts";

/**
 * What `kindling build` says about an environment's secret values, read
 * from the encrypted file without decrypting anything. Only warnings: the
 * manifests never depend on the values, but a bootstrap does.
 */
export function secretsWarnings(root: string, env: string, requirements: SecretRequirement[]): string[] {
  let missing: ReturnType<typeof missingSecrets>;
  try {
    missing = missingSecrets(requirements, secretsFile(root, env));
  } catch (err) {
    if (!(err instanceof SecretsError)) throw err;
    return [`environment ${env}: ${err.message}; a bootstrap needs it: ${err.hint}`];
  }
  if (missing.length === 0) return [];
  const fix = isPersonalEnvironment(env)
    ? "`kindling up` generates them on first use"
    : `a bootstrap needs them: run \`kindling secrets init --env ${env}\``;
  return [
    `environment ${env}: ${missing.length} secret value(s) not yet in secrets/${env}.sops.yaml (${missing.map((m) => `${m.id}:${m.key}`).join(", ")}); ${fix}`,
  ];
}
