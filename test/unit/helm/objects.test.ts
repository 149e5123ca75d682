import assert from "node:assert/strict";
import { test } from "node:test";
import { ChartOutputError } from "../../../src/helm/errors.ts";
import { parseYamlStream } from "../../../src/helm/objects.ts";
import { parseHelmOutput } from "../../../src/helm/render.ts";

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
