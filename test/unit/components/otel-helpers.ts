/**
 * Shared by the observability component unit tests: options resolved the way
 * the config loader does it, and a render context with chosen neighbours.
 */
import assert from "node:assert/strict";
import type { AnyComponent, ProfileName, RenderContext } from "../../../src/components/types.ts";
import { deepMerge } from "../../../src/config/resolve.ts";
import type { ConfigIssue } from "../../../src/config/schema.ts";
import type { KubeObject } from "../../../src/model/k8s.ts";

export function resolveOptions<O>(component: AnyComponent, overrides: unknown = {}, env = "local", profile: ProfileName = "dev-fast") {
  const issues: ConfigIssue[] = [];
  const options = component.options.check(deepMerge(component.defaults({ env, profile }), overrides), component.name, issues) as O;
  return { options, issues };
}

/** A context in which exactly `present` (name → options) are the other components. */
export function contextWith(present: Record<string, unknown> = {}, env = "local"): RenderContext {
  return {
    env,
    profile: "full",
    gitops: { repoURL: "https://example.com/p.git", revision: "main", path: `manifests-result/${env}` },
    has: (name) => name in present,
    optionsOf: <O>(name: string) => {
      if (!(name in present)) throw new Error(`${name} is not present`);
      return present[name] as O;
    },
  };
}

export function find(objects: KubeObject[] | undefined, kind: string, name: string): KubeObject {
  const found = objects?.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `${kind} ${name} not rendered`);
  return found;
}

// biome-ignore lint/suspicious/noExplicitAny: tests walk rendered objects freely
export type Loose = any;

/** The pod spec of a Deployment or StatefulSet. */
export function podSpec(workload: KubeObject): Loose {
  return (workload.spec as Loose).template.spec;
}

/** Every container kindling writes must be sized and locked down the same way (src/components/lib/workload.ts). */
export function assertRestricted(workload: KubeObject): void {
  const pod = podSpec(workload);
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault");
  for (const c of pod.containers as Loose[]) {
    assert.equal(c.securityContext.readOnlyRootFilesystem, true, c.name);
    assert.equal(c.securityContext.allowPrivilegeEscalation, false, c.name);
    assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"], c.name);
    assert.ok(c.resources.requests.cpu && c.resources.requests.memory, `${c.name} requests`);
    assert.ok(c.resources.limits.cpu && c.resources.limits.memory, `${c.name} limits`);
  }
}
