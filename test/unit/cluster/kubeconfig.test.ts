import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { applySetId } from "../../../src/cluster/applyset.ts";
import { hasContext, loadClusterAccess } from "../../../src/cluster/kubeconfig.ts";

test("kubeconfig: context, inline and file credentials, clear errors", async () => {
  const dir = await mkdtemp(join(tmpdir(), "kindling-kc-"));
  try {
    await writeFile(join(dir, "ca.crt"), "CA");
    const file = join(dir, "config");
    await writeFile(
      file,
      `apiVersion: v1
kind: Config
current-context: kind-kindling
clusters:
- name: kind-kindling
  cluster: {server: "https://127.0.0.1:6443/", certificate-authority: ca.crt}
users:
- name: kind-kindling
  user: {client-certificate-data: ${Buffer.from("CERT").toString("base64")}, token: abc}
- name: exec-user
  user: {exec: {command: aws}}
contexts:
- name: kind-kindling
  context: {cluster: kind-kindling, user: kind-kindling}
- name: cloud
  context: {cluster: kind-kindling, user: exec-user}
`,
    );
    const access = loadClusterAccess({ kubeconfig: file });
    assert.equal(access.server, "https://127.0.0.1:6443");
    assert.equal(access.ca?.toString(), "CA");
    assert.equal(access.cert?.toString(), "CERT");
    assert.equal(access.token, "abc");
    assert.equal(hasContext("kind-kindling", file), true);
    assert.equal(hasContext("kind-other", file), false);
    assert.throws(
      () => loadClusterAccess({ kubeconfig: file, context: "nope" }),
      (err: Error & { hint?: string }) =>
        /context "nope" is not in/.test(err.message) && err.hint === "known contexts: kind-kindling, cloud",
    );
    assert.throws(() => loadClusterAccess({ kubeconfig: file, context: "cloud" }), /exec plugin, which kindling does not run/);
    assert.throws(() => loadClusterAccess({ kubeconfig: join(dir, "missing") }), /no kubeconfig found/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("ApplySet ids follow the v1 format: base64url(sha256(name.namespace.Kind.group))", () => {
  const id = applySetId("kindling-app-web", "kube-system");
  assert.match(id, /^applyset-[A-Za-z0-9_-]{43}-v1$/);
  assert.notEqual(id, applySetId("kindling-app-web", "default"));
});
