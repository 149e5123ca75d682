import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toYaml } from "../../../src/render/serialize.ts";

describe("toYaml", () => {
  it("orders keys conventionally at the top and in metadata, name first, then alphabetically", () => {
    const shared = { a: "1" };
    const yaml = toYaml({
      spec: { z: 1, containers: [{ image: "x", name: "c" }], a: shared, b: shared },
      metadata: { labels: { b: "2", a: "1" }, namespace: "ns", name: "cm" },
      kind: "ConfigMap",
      apiVersion: "v1",
    });
    assert.equal(
      yaml,
      [
        "apiVersion: v1",
        "kind: ConfigMap",
        "metadata:",
        "  name: cm",
        "  namespace: ns",
        "  labels:",
        '    a: "1"',
        '    b: "2"',
        "spec:",
        "  a:",
        '    a: "1"',
        "  b:",
        '    a: "1"',
        "  containers:",
        "    - name: c",
        "      image: x",
        "  z: 1",
        "",
      ].join("\n"),
    );
  });

  it("writes the same bytes whatever order the input keys came in", () => {
    const a = toYaml({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: { b: "2", a: "1" } });
    const b = toYaml({ data: { a: "1", b: "2" }, metadata: { name: "x" }, kind: "ConfigMap", apiVersion: "v1" });
    assert.equal(a, b);
  });
});
