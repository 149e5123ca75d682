/**
 * Applies a rendered environment with kindling's engine and no readiness
 * waits (CRDs still wait until Established, as custom resources need them):
 * the same code path as `kindling up` — ApplySet parents, server-side apply,
 * CRDs first, apps in dependency order with independent apps at once,
 * objects within an app concurrently — minus the waits, so that it measures
 * what `kubectl apply --server-side` does. Used by vs-kubectl.ts as its own
 * process (Node + tsx startup included).
 *
 *   node --import tsx bench/apply/apply-only.ts <kubeconfig> <manifests-result/env>
 */
import { KubeClient } from "../../src/cluster/client.ts";
import { applyClasses, supersetScope, writeParent } from "../../src/cluster/deploy-app.ts";
import { Discovery } from "../../src/cluster/discovery.ts";
import { loadClusterAccess } from "../../src/cluster/kubeconfig.ts";
import { type DesiredEnvironment, readRendered } from "../../src/cluster/manifests.ts";
import { runPlan } from "../../src/cluster/plan.ts";

export async function applyEnvironment(client: KubeClient, desired: DesiredEnvironment): Promise<void> {
  const ctx = { client, discovery: new Discovery(client) };
  const names = new Set(desired.apps.map((a) => a.name));
  await Promise.all(
    desired.apps
      .filter((a) => a.objects.some((o) => o.class === "crd"))
      .map(async (app) => {
        await writeParent(ctx, app.name, desired.env, { ...supersetScope(app), phase: "applying" });
        await applyClasses(
          ctx,
          app,
          app.objects.filter((o) => o.class === "crd"),
          { concurrency: 8 },
        );
      }),
  );
  const result = await runPlan(
    desired.apps.map((app) => ({
      name: app.name,
      deps: app.dependsOn.filter((d) => names.has(d)),
      describe: app.name,
      run: async () => {
        await writeParent(ctx, app.name, desired.env, { ...supersetScope(app), phase: "applying" });
        await applyClasses(
          ctx,
          app,
          app.objects.filter((o) => o.class !== "crd"),
          { concurrency: 8 },
        );
        return undefined;
      },
    })),
  );
  if (result.errors.length) throw result.errors[0]?.error;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [kubeconfig, dir] = process.argv.slice(2);
  if (!kubeconfig || !dir) throw new Error("usage: apply-only.ts <kubeconfig> <manifests-result/env>");
  const client = new KubeClient(loadClusterAccess({ kubeconfig }));
  await applyEnvironment(client, await readRendered(dir));
  client.close();
}
