import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { GITOPS_APP, readRendered } from "../../../src/cluster/manifests.ts";

/**
 * The warm-start hash of the argocd-applications app must depend on the
 * Applications' contents only: the same manifests read from another working
 * directory (or through another path) are the same app, not a change.
 */
test("the argocd-applications hash does not depend on the working directory", async (t) => {
  const work = await mkdtemp(join(tmpdir(), "kindling-gitops-hash-"));
  const cwd = process.cwd();
  t.after(async () => {
    process.chdir(cwd);
    await rm(work, { recursive: true, force: true });
  });
  const dir = join(work, "project", "manifests-result", "local");
  await mkdir(join(dir, "argocd"), { recursive: true });
  await mkdir(join(dir, "apps"), { recursive: true });
  const crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: applications.argoproj.io\n";
  await writeFile(join(dir, "argocd", "CustomResourceDefinition-applications.argoproj.io.yaml"), crd);
  await writeFile(
    join(dir, "apps", "Application-argocd.yaml"),
    "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: argocd\n  namespace: argocd\n",
  );
  const build = {
    platform: "p",
    env: "local",
    profile: "full",
    apps: [
      {
        name: "argocd",
        namespace: "argocd",
        dependsOn: [],
        syncWave: 0,
        hash: "x",
        objects: [
          {
            file: "CustomResourceDefinition-applications.argoproj.io.yaml",
            class: "crd",
            apiVersion: "apiextensions.k8s.io/v1",
            kind: "CustomResourceDefinition",
            name: "applications.argoproj.io",
          },
        ],
      },
    ],
  };
  await writeFile(join(dir, "build.json"), JSON.stringify(build));

  process.chdir(join(work, "project"));
  const fromRoot = await readRendered(dir);
  process.chdir(tmpdir());
  const fromElsewhere = await readRendered(dir);
  const hash = (env: typeof fromRoot) => env.apps.find((a) => a.name === GITOPS_APP)?.hash;
  assert.ok(hash(fromRoot), "Argo CD is rendered: the Applications are one more app");
  assert.equal(hash(fromElsewhere), hash(fromRoot));
});
