/** Kustomize overlays rendered by the real `kubectl kustomize`, and plain YAML includes. */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { describeOrigin, originOf } from "../../../src/helm/index.ts";
import { KustomizeError, readYamlFiles, renderKustomization, YamlFileError } from "../../../src/kustomize/index.ts";
import type { KubeObject } from "../../../src/model/k8s.ts";
import { at, KUSTOMIZE_FIXTURES, requireTool, tempDir } from "../helm/helpers.ts";

const kubectl = requireTool("kubectl");

describe("renderKustomization", { skip: !kubectl && "kubectl missing" }, () => {
  test("applies the overlay: namePrefix, label, namespace, patch, and its plain resource", async () => {
    const objects = await renderKustomization(join(KUSTOMIZE_FIXTURES, "overlay"));
    assert.deepEqual(objects.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`).sort(), [
      "ConfigMap shop/dev-settings",
      "Deployment shop/dev-web",
      "Service shop/dev-web",
    ]);
    for (const o of objects) assert.equal(o.metadata.labels?.env, "dev", `${o.kind} lacks the overlay label`);
    const deploy = objects.find((o) => o.kind === "Deployment") as KubeObject;
    assert.equal(at(deploy, "spec.replicas"), 2, "the overlay's patch did not apply");
    // includeSelectors: false keeps the base's selector untouched.
    assert.deepEqual(at(deploy, "spec.selector.matchLabels"), { app: "web" });
    assert.equal(originOf(deploy)?.kind, "kustomize");
  });

  test("independent kustomizations render concurrently", async () => {
    const [base, overlay] = await Promise.all([
      renderKustomization(join(KUSTOMIZE_FIXTURES, "base")),
      renderKustomization(join(KUSTOMIZE_FIXTURES, "overlay")),
    ]);
    assert.deepEqual(base.map((o) => o.metadata.name).sort(), ["web", "web"]);
    assert.equal(overlay.length, 3);
  });

  test("errors name the directory and the fix", async () => {
    const notKustomize = tempDir("plain");
    await assert.rejects(renderKustomization(notKustomize), (e: unknown) => {
      assert.ok(e instanceof KustomizeError);
      assert.match(e.message, /has no kustomization\.yaml; point the component at the directory that holds kustomization\.yaml/);
      return true;
    });
    const broken = tempDir("broken");
    writeFileSync(join(broken, "kustomization.yaml"), "resources:\n  - missing.yaml\n");
    await assert.rejects(renderKustomization(broken), (e: unknown) => {
      assert.ok(e instanceof KustomizeError);
      assert.ok(e.message.startsWith(`kubectl kustomize ${broken} failed:`), e.message);
      assert.match(e.message, /missing\.yaml/);
      return true;
    });
  });
});

describe("readYamlFiles", () => {
  test("reads multi-document files in order, dropping empty documents", async () => {
    const objects = await readYamlFiles([join(KUSTOMIZE_FIXTURES, "plain/extras.yaml"), join(KUSTOMIZE_FIXTURES, "overlay/settings.yaml")]);
    assert.deepEqual(
      objects.map((o) => `${o.kind}/${o.metadata.name}`),
      ["Namespace/shop", "ConfigMap/flags", "ConfigMap/settings"],
    );
    const origin = originOf(objects[1] as KubeObject);
    assert.deepEqual(origin, { kind: "file", file: join(KUSTOMIZE_FIXTURES, "plain/extras.yaml"), document: 3 });
  });

  test("bad YAML and incomplete objects name the file and the document", async () => {
    const dir = tempDir("yaml");
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\nkey: [unclosed\n");
    await assert.rejects(readYamlFiles([bad]), (e: unknown) => {
      assert.ok(e instanceof YamlFileError);
      assert.equal(e.file, bad);
      assert.match(e.message, new RegExp(`^${bad}: document 2 \\(line 4\\): invalid YAML: .* at line 6, column 1$`));
      return true;
    });
    const noName = join(dir, "noname.yaml");
    writeFileSync(noName, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {a: b}\n");
    await assert.rejects(readYamlFiles([noName]), {
      name: "YamlFileError",
      message: `${noName}: document 1 (line 1): ConfigMap object has no metadata.name`,
    });
    const notObject = join(dir, "list.yaml");
    writeFileSync(notObject, "- a\n- b\n");
    await assert.rejects(
      readYamlFiles([notObject]),
      /list\.yaml: document 1 \(line 1\): expected a Kubernetes object \(a mapping\), got a list/,
    );
    await assert.rejects(readYamlFiles([join(dir, "absent.yaml")]), /absent\.yaml: cannot read/);
  });

  test("origins describe file and document", async () => {
    const [ns] = await readYamlFiles([join(KUSTOMIZE_FIXTURES, "plain/extras.yaml")]);
    assert.equal(describeOrigin(originOf(ns as KubeObject) as never), `${join(KUSTOMIZE_FIXTURES, "plain/extras.yaml")}, document 1`);
  });
});
