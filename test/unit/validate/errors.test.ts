import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { collapse, pointerToPath, suggest, toIssues } from "../../../src/validate/errors.ts";
import type { AjvLikeError } from "../../../src/validate/types.ts";

describe("error formatting", () => {
  it("renders JSON pointers as field paths, telling indexes from keys", () => {
    const root = { spec: { ports: [{ port: 1 }], "0": { x: 1 } }, metadata: { labels: { "app.kubernetes.io/name": "x" } } };
    assert.equal(pointerToPath("/spec/ports/0/port", root), "spec.ports[0].port");
    assert.equal(pointerToPath("/spec/0/x", root), 'spec["0"].x');
    assert.equal(pointerToPath("/metadata/labels/app.kubernetes.io~1name", root), 'metadata.labels["app.kubernetes.io/name"]');
    assert.equal(pointerToPath("", root), "");
  });

  it("suggests close names only", () => {
    assert.equal(suggest("replica", ["replicas", "selector"]), "replicas");
    assert.equal(suggest("Labels", ["labels"]), "labels");
    assert.equal(suggest("extra", ["replicas", "selector"]), undefined);
  });

  it("merges anyOf alternatives that failed on type", () => {
    const errors: AjvLikeError[] = [
      { instancePath: "/x", keyword: "type", params: { type: "string" } },
      { instancePath: "/x", keyword: "type", params: { type: "integer" } },
      { instancePath: "/x", keyword: "oneOf", params: { passingSchemas: null } },
    ];
    assert.deepEqual(toIssues(errors, { x: [] }), [{ path: "x", message: "must be string or integer, got array" }]);
  });

  it("keeps the errors of the alternative the value was meant for", () => {
    const errors: AjvLikeError[] = [
      { instancePath: "/x", keyword: "type", params: { type: "string" } },
      { instancePath: "/x/port", keyword: "type", params: { type: "integer" } },
      { instancePath: "/x", keyword: "anyOf", params: {} },
    ];
    assert.deepEqual(toIssues(errors, { x: { port: "a" } }), [{ path: "x.port", message: 'must be integer, got string "a"' }]);
  });

  it("summarizes required-only alternatives", () => {
    const errors: AjvLikeError[] = [
      { instancePath: "", keyword: "required", params: { missingProperty: "a" } },
      { instancePath: "", keyword: "required", params: { missingProperty: "b" } },
      { instancePath: "", keyword: "anyOf", params: {} },
    ];
    assert.deepEqual(collapse(errors).length, 1);
    assert.deepEqual(toIssues(errors, {}), [{ path: "", message: 'must set at least one of: "a", "b"' }]);
  });

  it("formats the common keywords", () => {
    const root = { a: 5, b: "x".repeat(70), c: [1, 2], d: "nope", e: true };
    const issues = toIssues(
      [
        { instancePath: "/a", keyword: "maximum", params: { comparison: "<=", limit: 3 } },
        { instancePath: "/b", keyword: "maxLength", params: { limit: 63 } },
        { instancePath: "/c", keyword: "minItems", params: { limit: 3 } },
        { instancePath: "/d", keyword: "format", params: { format: "ipv4" } },
        { instancePath: "", keyword: "additionalProperties", params: { additionalProperty: "e" } },
      ],
      root,
    );
    assert.deepEqual(issues, [
      { path: "a", message: "must be <= 3, got integer 5" },
      { path: "b", message: "must be at most 63 characters long, got 70" },
      { path: "c", message: "must have at least 3 items, got 2" },
      { path: "d", message: 'must be a valid ipv4, got string "nope"' },
      { path: "e", message: 'unknown field "e"' },
    ]);
  });
});
