import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse, parseAllDocuments } from "yaml";
import { emitYaml } from "../../../src/render/yaml-emit.ts";

/** Reads YAML back the way both YAML 1.2 (JS) and YAML 1.1 (Go's yaml.v2, used by kubectl and Argo CD) readers do. */
function roundTrip(value: unknown): void {
  const text = emitYaml(value);
  assert.deepEqual(parse(text, { version: "1.2" }), value, `YAML 1.2 reading of:\n${text}`);
  assert.deepEqual(parse(text, { version: "1.1" }), value, `YAML 1.1 reading of:\n${text}`);
  assert.equal(parseAllDocuments(text).length, 1);
}

const TRICKY_STRINGS = [
  "",
  " ",
  "a b",
  "a  b",
  " lead",
  "trail ",
  "yes",
  "No",
  "ON",
  "off",
  "y",
  "n",
  "true",
  "False",
  "null",
  "Null",
  "~",
  "0",
  "007",
  "0644",
  "1e3",
  "1E3",
  "0x1F",
  "0o17",
  "0b101",
  "1_000",
  "1:30",
  "12:30:45",
  "2001-12-14",
  "2001-12-14t21:59:43.10-05:00",
  ".5",
  ".inf",
  "-.inf",
  ".NaN",
  "+1",
  "-1",
  "1.",
  "- a",
  "-a",
  "? x",
  ":x",
  "a: b",
  "a:b",
  "a #b",
  "a#b",
  "#x",
  "&a",
  "*a",
  "!tag",
  "|",
  ">",
  "'q'",
  '"q"',
  "%x",
  "@x",
  "`x`",
  "{a}",
  "[a]",
  "a,b",
  "=",
  "<<",
  "---",
  "...",
  "512Mi",
  "250m",
  "1",
  "30s",
  "1.5Gi",
  "docker.io/library/postgres:17.6-bookworm",
  "app.kubernetes.io/name",
  "http://x.y:80/p?q=1&r",
  "✓ unicode",
  "tab\there",
  "line1\nline2",
  "line1\nline2\n",
  "line1\n\n",
  "  indented\nsecond",
  "\nleading newline",
  "\n  indented after a blank line\nnext",
  "\n\n    deeper\n",
  "\n \nx",
  "cr\r\nlf",
  "\u2028",
  "a\u0000b",
  "ends with colon:",
  "x\n  y\n",
  "{{ .Values.x }}",
  "$(VAR)",
  "a'b",
  "a\\b",
];

describe("emitYaml", () => {
  it("round-trips tricky strings as values, keys and list items in YAML 1.1 and 1.2", () => {
    for (const s of TRICKY_STRINGS) {
      roundTrip({ key: s });
      roundTrip({ [s]: "v" });
      roundTrip({ list: [s, { name: s, value: s }] });
    }
  });

  it("round-trips structure: nesting, empty maps and lists, lists of lists, numbers, booleans, null", () => {
    roundTrip({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "x", labels: {}, annotations: { "a/b": "1" } },
      data: { "script.sh": "#!/bin/sh\necho hi\n" },
      spec: { replicas: 2, ratio: 0.5, neg: -3, on: true, off: false, none: null, empty: [], nested: [[1, 2], [], [{ a: [] }]] },
      items: [{ a: { b: { c: ["x", { d: "multi\nline" }] } } }, "multi\nline\n", {}],
    });
  });

  it("writes plain scalars where that is safe, like kubectl", () => {
    assert.equal(
      emitYaml({ image: "docker.io/library/postgres:17.6-bookworm", memory: "512Mi", replicas: 1, mode: "0644", enabled: "true" }),
      'image: docker.io/library/postgres:17.6-bookworm\nmemory: 512Mi\nreplicas: 1\nmode: "0644"\nenabled: "true"\n',
    );
  });
});
