import assert from "node:assert/strict";
import { test } from "node:test";
import { APPLYSET_ID_LABEL, appApplySetId, parentObject, readParent } from "../../../src/cluster/applyset.ts";

/**
 * The ApplySet spec (KEP-3659): a tool must check that the parent's id label
 * is the id computed from the parent's own identity before it trusts the
 * parent's member list; otherwise a ConfigMap claiming another set's id
 * (copied, hand-edited, written by another tool) makes prune delete that
 * set's members.
 */
test("a parent whose id label is not its own computed id is not trusted", () => {
  const own = parentObject("web", "local", { groupKinds: ["Deployment.apps"], namespaces: ["demo"], phase: "ready", hash: "sha256:x" });
  assert.equal(readParent(own)?.id, appApplySetId("web"));

  const foreign = structuredClone(own);
  foreign.metadata.labels[APPLYSET_ID_LABEL] = appApplySetId("someone-else");
  assert.equal(readParent(foreign), undefined, "an id that is not this parent's own");

  const renamed = structuredClone(own);
  renamed.metadata.name = "copy-of-web";
  assert.equal(readParent(renamed), undefined, "a copy under another name claiming app web");
});
