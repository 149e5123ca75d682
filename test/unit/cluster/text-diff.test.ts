import assert from "node:assert/strict";
import { test } from "node:test";
import { unifiedDiff } from "../../../src/cluster/text-diff.ts";

test("unified diff shows the changed lines with context and correct hunk headers", () => {
  const before = ["a", "b", "c", "d", "e", "f", "g", "h"].join("\n");
  const after = ["a", "b", "c", "D", "e", "f", "g", "h", "i"].join("\n");
  assert.equal(
    unifiedDiff(before, after, { from: "live", to: "rendered" }),
    ["--- live", "+++ rendered", "@@ -1,8 +1,9 @@", " a", " b", " c", "-d", "+D", " e", " f", " g", " h", "+i", ""].join("\n"),
  );
  assert.equal(unifiedDiff(before, before, { from: "x", to: "y" }), "");
});

test("far apart changes become separate hunks", () => {
  const lines = Array.from({ length: 40 }, (_, i) => `line ${i}`);
  const changed = [...lines];
  changed[2] = "changed 2";
  changed[35] = "changed 35";
  const diff = unifiedDiff(lines.join("\n"), changed.join("\n"), { from: "a", to: "b" });
  assert.equal(diff.match(/^@@/gm)?.length, 2);
  assert.match(diff, /@@ -33,7 \+33,7 @@/);
});
