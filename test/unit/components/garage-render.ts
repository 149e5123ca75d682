import assert from "node:assert/strict";
import config from "../../../kindling.config.ts";
import { resolveEnvironment } from "../../../src/config/resolve.ts";
import type { KubeObject } from "../../../src/model/k8s.ts";
import { componentsToApps } from "../../../src/render/components-to-apps.ts";

/** Shared by the storage/observability/database component tests: render the reference config, pick objects. */

export const ENVS = ["local", "staging", "prod"] as const;

export function appOf(env: string, app: string, definition: unknown = config) {
  const apps = componentsToApps(resolveEnvironment(definition, env, { file: "kindling.config.ts" }));
  const found = apps.find((a) => a.name === app);
  assert.ok(found, `app ${app} in ${env}`);
  return found;
}

export function objectsOf(env: string, app: string, definition: unknown = config): KubeObject[] {
  return appOf(env, app, definition).objects ?? [];
}

/** First object of a kind whose name is `name` or starts with `name-` (hash-suffixed Jobs). */
export function find(objects: KubeObject[], kind: string, name?: string): KubeObject {
  const o = objects.find(
    (x) => x.kind === kind && (name === undefined || x.metadata.name === name || x.metadata.name.startsWith(`${name}-`)),
  );
  assert.ok(o, `${kind} ${name ?? ""}`);
  return o;
}

export function dataOf(objects: KubeObject[], configMap: string, key: string): string {
  const v = (find(objects, "ConfigMap", configMap).data as Record<string, string>)[key];
  assert.ok(v !== undefined, `${configMap}/${key}`);
  return v;
}

// biome-ignore lint/suspicious/noExplicitAny: pod specs are walked loosely
type Any = any;

/** Every container kindling writes: requests and limits set, non-root, read-only root, no capabilities, RuntimeDefault seccomp. */
export function assertRestrictedWorkloads(objects: KubeObject[]): number {
  let checked = 0;
  for (const o of objects) {
    const spec: Any = o.spec;
    const pod: Any = ["Deployment", "StatefulSet", "DaemonSet", "Job"].includes(o.kind) ? spec?.template?.spec : undefined;
    if (!pod) continue;
    assert.equal(pod.securityContext?.runAsNonRoot, true, `${o.kind} ${o.metadata.name}: runAsNonRoot`);
    assert.equal(pod.securityContext?.seccompProfile?.type, "RuntimeDefault", `${o.kind} ${o.metadata.name}: seccomp`);
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
      const where = `${o.kind} ${o.metadata.name}/${c.name}`;
      for (const k of ["cpu", "memory"]) {
        assert.ok(c.resources?.requests?.[k], `${where}: requests.${k}`);
        assert.ok(c.resources?.limits?.[k], `${where}: limits.${k}`);
      }
      assert.equal(c.securityContext?.readOnlyRootFilesystem, true, `${where}: readOnlyRootFilesystem`);
      assert.equal(c.securityContext?.allowPrivilegeEscalation, false, `${where}: allowPrivilegeEscalation`);
      assert.deepEqual(c.securityContext?.capabilities?.drop, ["ALL"], `${where}: drop ALL`);
      checked++;
    }
  }
  return checked;
}
