import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { renderUnlessCurrent } from "../../../src/cluster/render-fingerprint.ts";

test("up renders again exactly when an input or the output changed", async () => {
  const root = await mkdtemp(join(tmpdir(), "kindling-fp-"));
  try {
    await writeFile(join(root, "kindling.config.ts"), "export default {}\n");
    await mkdir(join(root, "src"), { recursive: true });
    await writeFile(join(root, "src", "component.ts"), "export const replicas = 1;\n");
    let renders = 0;
    const render = async () => {
      renders++;
      const dir = join(root, "manifests-result", "local");
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, "build.json"), `{"render":${renders}}\n`);
      return dir;
    };
    const inputs = { root, env: "local" };
    assert.equal((await renderUnlessCurrent(inputs, render)).reused, false);
    assert.equal((await renderUnlessCurrent(inputs, render)).reused, true, "nothing changed");
    assert.equal((await renderUnlessCurrent({ ...inputs, profile: "full" }, render)).reused, false, "another profile");
    assert.equal((await renderUnlessCurrent({ ...inputs, profile: "full" }, render)).reused, true);

    // An edit to a component, even one that keeps the size, is noticed through its modification time.
    await writeFile(join(root, "src", "component.ts"), "export const replicas = 2;\n");
    await utimes(join(root, "src", "component.ts"), new Date(), new Date(Date.now() + 5_000));
    assert.equal((await renderUnlessCurrent({ ...inputs, profile: "full" }, render)).reused, false, "definition edited");

    // Output touched by hand: render again.
    await writeFile(join(root, "manifests-result", "local", "build.json"), "{}\n");
    assert.equal((await renderUnlessCurrent({ ...inputs, profile: "full" }, render)).reused, false, "output edited");
    assert.equal((await renderUnlessCurrent({ ...inputs, profile: "full", force: true }, render)).reused, false, "--rerender");
    assert.equal(renders, 5);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
