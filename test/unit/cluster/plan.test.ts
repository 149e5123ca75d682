import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { checkPlan, criticalPath, estimate, runPlan, type Step } from "../../../src/cluster/plan.ts";
import { upPlan } from "../../../src/cluster/up-plan.ts";

const step = (name: string, deps: string[], ms: number, fail = false): Step => ({
  name,
  deps,
  describe: name,
  run: async () => {
    await sleep(ms);
    if (fail) throw new Error(`${name} broke`);
    return undefined;
  },
});

test("independent steps run at once; dependents wait; the critical path names the chain that decided the time", async () => {
  const r = await runPlan([step("a", [], 20), step("b", [], 80), step("c", ["a"], 20), step("d", ["b", "c"], 10)]);
  const at = Object.fromEntries(r.results.map((x) => [x.name, x]));
  assert.ok((at.b?.startMs ?? 99) < 15, "b starts with a");
  assert.ok((at.c?.startMs ?? 0) >= (at.a?.endMs ?? 99));
  assert.ok((at.d?.startMs ?? 0) >= (at.b?.endMs ?? 99));
  assert.ok(r.totalMs < 150, `ran concurrently: ${r.totalMs}ms`);
  assert.deepEqual(criticalPath(r.results), ["b", "d"]);
});

test("a failed step blocks only what needs it", async () => {
  const r = await runPlan([step("a", [], 5, true), step("b", [], 5), step("c", ["a"], 5), step("d", ["c"], 5), step("e", ["b"], 5)]);
  const status = Object.fromEntries(r.results.map((x) => [x.name, x.status]));
  assert.deepEqual(status, { a: "failed", b: "done", c: "blocked", d: "blocked", e: "done" });
  assert.deepEqual(
    r.errors.map((e) => e.step),
    ["a"],
  );
});

test("plans with cycles or unknown steps are refused before anything runs", () => {
  assert.throws(() => checkPlan([step("a", ["b"], 0), step("b", ["a"], 0)]), /cycle: a → b → a/);
  assert.throws(() => checkPlan([step("a", ["nope"], 0)]), /unknown step nope/);
});

test("up's plan: the CNI app before the node wait, other apps after it, app edges kept", () => {
  const plan = upPlan([
    { name: "namespaces", dependsOn: [] },
    { name: "cilium", dependsOn: ["namespaces"] },
    { name: "traefik", dependsOn: ["namespaces"] },
  ]);
  const deps = Object.fromEntries(plan.map((s) => [s.name, s.deps]));
  assert.deepEqual(deps["app:cilium"], ["crds", "app:namespaces"]);
  assert.deepEqual(deps["app:namespaces"], ["crds"], "what the CNI needs cannot wait for the network");
  assert.ok(deps.cni?.includes("app:cilium"));
  assert.deepEqual(deps["app:traefik"], ["crds", "cni", "images-load", "app:namespaces"]);
  const e = estimate(plan, (n) => (n === "cluster-create" ? 20_000 : n.startsWith("app:") ? 1_000 : 100));
  assert.equal(e.criticalPath.at(-1), "record-state");
  assert.ok(e.criticalPath.includes("cluster-create"));
});
