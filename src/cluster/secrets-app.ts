import type { KubeObject } from "../model/k8s.ts";
import { hashFiles } from "../render/hash.ts";
import { toYaml } from "../render/serialize.ts";
import type { DesiredApp, DesiredEnvironment, DesiredObject } from "./manifests.ts";

/** The app that carries decrypted Secrets into the cluster; it exists only in memory, never in manifests-result/. */
export const SECRETS_APP = "secrets";

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod", "ReplicaSet"]);

/**
 * Adds the environment's Secrets (decrypted from secrets/<env>.sops.yaml by
 * the caller) as one more app: applied once the namespaces they live in
 * exist, and before every app that runs workloads in those namespaces, so no
 * pod starts without its credentials. Like every app it is recorded with a
 * content hash (warm start) and pruned through its ApplySet.
 */
export function withSecretsApp(env: DesiredEnvironment, secrets: KubeObject[]): DesiredEnvironment {
  if (secrets.length === 0) return env;
  const namespaces = new Set(secrets.map((s) => s.metadata.namespace).filter((n): n is string => Boolean(n)));
  const owners = env.apps.filter((a) => a.objects.some((o) => o.kind === "Namespace" && namespaces.has(o.name))).map((a) => a.name);
  const objects: DesiredObject[] = secrets.map((object) => {
    const text = toYaml(object);
    return {
      app: SECRETS_APP,
      class: "object",
      apiVersion: object.apiVersion,
      kind: object.kind,
      name: object.metadata.name,
      namespace: object.metadata.namespace,
      file: `secrets/${env.env}.sops.yaml (${object.metadata.namespace}/${object.metadata.name})`,
      text,
      object,
    };
  });
  const app: DesiredApp = {
    name: SECRETS_APP,
    namespace: "default",
    dependsOn: owners,
    syncWave: 0,
    // Over names, keys and the ciphertext digest annotation only: a hash of the plaintext,
    // stored in the cluster for the warm start, could be used to guess weak values.
    hash: hashFiles(objects.map((o) => ({ file: `${o.namespace}/${o.name}`, content: JSON.stringify(withoutValues(o.object)) }))),
    objects,
  };
  const apps = env.apps.map((a) => {
    const consumes =
      !owners.includes(a.name) &&
      a.objects.some((o) => WORKLOAD_KINDS.has(o.kind) && o.namespace !== undefined && namespaces.has(o.namespace));
    return consumes ? { ...a, dependsOn: [...a.dependsOn, SECRETS_APP] } : a;
  });
  return { ...env, apps: [...apps, app] };
}

function withoutValues(secret: KubeObject): unknown {
  const { data, stringData, ...rest } = secret as KubeObject & { data?: Record<string, string>; stringData?: Record<string, string> };
  return { ...rest, keys: Object.keys({ ...data, ...stringData }).sort() };
}
