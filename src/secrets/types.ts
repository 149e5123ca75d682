/**
 * A Kubernetes Secret a component needs but never renders: its values live
 * only in the environment's SOPS-encrypted file (secrets/<env>.sops.yaml) and
 * reach the cluster at bootstrap, so no secret value is ever written to
 * manifests-result/.
 */
export interface SecretRequirement {
  namespace: string;
  name: string;
  /** Key inside the Secret → what it holds and whether kindling may generate it. */
  keys: Record<string, SecretKeySpec>;
}

export interface SecretKeySpec {
  /** One line for people: what the value is for. */
  description: string;
  /**
   * How `kindling secrets init` fills a missing value: a random password
   * (32 characters, URL-safe), a fixed non-secret value (a user name), or
   * never ("manual": an external token only its owner can provide).
   */
  generate: "password" | "manual" | { value: string };
}

/** "data/postgresql-credentials": how a Secret is named in the encrypted file. */
export function secretId(s: Pick<SecretRequirement, "namespace" | "name">): string {
  return `${s.namespace}/${s.name}`;
}
