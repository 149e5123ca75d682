import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ChartOutputError } from "../../../src/helm/errors.ts";
import { parseYamlStream } from "../../../src/helm/objects.ts";
import { parseHelmOutput } from "../../../src/helm/render.ts";
import { readYamlFile } from "../../../src/kustomize/files.ts";

const OUTPUT = `---
# Source: hello/templates/empty.yaml
---
# Source: hello/templates/configmap.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
data:
  a: "1"
---
# Source: hello/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      volumes:
        - name: v
          secret:
            defaultMode: 0644
`;

test("parseHelmOutput keeps each object's template and drops empty documents", () => {
  const rendered = parseHelmOutput(OUTPUT, "hello");
  assert.deepEqual(
    rendered.map((r) => `${r.template} ${r.object.kind}/${r.object.metadata.name}`),
    ["hello/templates/configmap.yaml ConfigMap/c", "hello/templates/deployment.yaml Deployment/d"],
  );
  assert.equal(parseHelmOutput("", "hello").length, 0);
  assert.equal(parseHelmOutput("---\n# Source: x\n", "hello").length, 0);
});

test("parseHelmOutput names chart and template of a bad document", () => {
  const bad = `---\n# Source: hello/templates/broken.yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  labels: {}\n`;
  assert.throws(
    () => parseHelmOutput(bad, "hello"),
    (e: unknown) => {
      assert.ok(e instanceof ChartOutputError);
      assert.equal(e.chart, "hello");
      assert.match(e.message, /^chart hello: hello\/templates\/broken\.yaml: Secret object has no metadata\.name; fix the chart template/);
      return true;
    },
  );
  assert.throws(
    () => parseHelmOutput(`---\n# Source: hello/templates/x.yaml\na: [\n`, "hello"),
    /chart hello: hello\/templates\/x\.yaml: invalid YAML/,
  );
});

test("YAML is read the way kubectl reads it (YAML 1.1 scalars, minus timestamps)", () => {
  const [doc] = parseYamlStream(
    [
      "mode: 0644",
      "on1: on",
      "yes1: yes",
      "quoted: 'on'",
      "ts: 2024-01-01T00:00:00Z",
      "ports: 8080:80",
      "hex: 0x1F",
      "base: &b {x: 1}",
      "merged:",
      "  <<: *b",
      "  z: 2",
    ].join("\n"),
    () => "t",
  );
  assert.deepEqual(doc?.value, {
    mode: 420,
    on1: true,
    yes1: true,
    quoted: "on",
    ts: "2024-01-01T00:00:00Z",
    ports: "8080:80",
    hex: 31,
    base: { x: 1 },
    merged: { x: 1, z: 2 },
  });
});

const LIST = `---
# Source: hello/templates/list.yaml
apiVersion: v1
kind: List
metadata: {}
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: one
  - apiVersion: v1
    kind: ConfigMapList
    items:
      - apiVersion: v1
        kind: ConfigMap
        metadata:
          name: two
`;

test("a List (as kubectl and helm install accept it) is read as its items, in a chart's output and in a plain file", async () => {
  const rendered = parseHelmOutput(LIST, "hello");
  assert.deepEqual(
    rendered.map((r) => `${r.template} ${r.object.kind}/${r.object.metadata.name}`),
    ["hello/templates/list.yaml ConfigMap/one", "hello/templates/list.yaml ConfigMap/two"],
  );
  const dir = mkdtempSync(join(tmpdir(), "kindling-list-"));
  writeFileSync(join(dir, "list.yaml"), LIST);
  const objects = await readYamlFile(join(dir, "list.yaml"));
  assert.deepEqual(
    objects.map((o) => `${o.kind}/${o.metadata.name}`),
    ["ConfigMap/one", "ConfigMap/two"],
  );
  assert.throws(
    () => parseHelmOutput(LIST.replace("name: two", "labels: {}"), "hello"),
    /hello\/templates\/list\.yaml, item 2, item 1: ConfigMap object has no metadata\.name/,
  );
});
