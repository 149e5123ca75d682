import assert from "node:assert/strict";
import { test } from "node:test";
import { APPLYSET_PART_OF_LABEL, applySetId } from "../../../src/cluster/applyset.ts";
import { Discovery } from "../../../src/cluster/discovery.ts";
import { listMembers, pruneMembers } from "../../../src/cluster/prune.ts";
import { startControlPlane } from "./harness.ts";
import { controlPlaneTools } from "./tools.ts";

/**
 * Apps that do not depend on each other are applied at once. When an object
 * moves from app A to app B in one edit, A's prune may list it (still labelled
 * part-of=A) just before B's apply relabels it part-of=B. The delete that
 * follows must not take B's object: pruning deletes only what is still a
 * member of the set it pruned.
 */
test("prune leaves an object alone that another app took over between list and delete", { timeout: 120_000 }, async (t) => {
  const tools = controlPlaneTools(t);
  if (!tools) return;
  const cp = await startControlPlane(tools, { nodes: 1 });
  t.after(() => cp.stop());
  const a = applySetId("kindling-app-a", "kube-system");
  const b = applySetId("kindling-app-b", "kube-system");
  const apply = (label: string, data: Record<string, string>) =>
    cp.client.request({
      method: "PATCH",
      path: "/api/v1/namespaces/default/configmaps/moved",
      query: { fieldManager: "kindling", force: true },
      contentType: "application/apply-patch+yaml",
      body: {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "moved", namespace: "default", labels: { [APPLYSET_PART_OF_LABEL]: label } },
        data,
      },
    });
  await apply(a, { v: "1" });
  const discovery = new Discovery(cp.client);
  const members = await listMembers(cp.client, discovery, { id: a, groupKinds: ["ConfigMap"], namespaces: ["default"] });
  assert.deepEqual(
    members.map((m) => m.name),
    ["moved"],
  );

  // App B applies the object now: it is B's.
  await apply(b, { v: "2" });
  const pruned = await pruneMembers(cp.client, members, new Set());
  const live = await cp.client.getOptional<{ metadata: { labels?: Record<string, string> } }>(
    "/api/v1/namespaces/default/configmaps/moved",
  );
  assert.ok(live, "B's object must survive A's prune");
  assert.equal(live.metadata.labels?.[APPLYSET_PART_OF_LABEL], b);
  assert.deepEqual(pruned, [], "nothing was pruned");

  // Still A's after an unrelated change (a controller's write): pruned all the same.
  await apply(a, { v: "3" });
  const again = await listMembers(cp.client, discovery, { id: a, groupKinds: ["ConfigMap"], namespaces: ["default"] });
  await cp.client.request({
    method: "PATCH",
    path: "/api/v1/namespaces/default/configmaps/moved",
    query: { fieldManager: "someone-else" },
    contentType: "application/merge-patch+json",
    body: { metadata: { annotations: { touched: "yes" } } },
  });
  const prunedAgain = await pruneMembers(cp.client, again, new Set());
  assert.deepEqual(
    prunedAgain.map((m) => m.name),
    ["moved"],
  );
  assert.equal(await cp.client.getOptional("/api/v1/namespaces/default/configmaps/moved"), undefined);
});
