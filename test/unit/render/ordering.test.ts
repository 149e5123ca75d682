import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";

const root = new URL("../../..", import.meta.url).pathname;

/**
 * Output order must not depend on the machine's locale: in Danish "aa" sorts
 * after "z", in Lithuanian "y" sorts between "i" and "j". Runs the ordering in
 * a child process whose locale is one of those.
 */
function orderUnder(locale: string, script: string): string[] {
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, LC_ALL: locale, LANG: locale },
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as string[];
}

const SECRETS = `
import { componentSecrets } from "./src/render/components-to-apps.ts";
const ids = ["aa/x", "ab/x", "z/x", "y/x", "j/x"];
const component = { name: "c", render: () => [], secrets: () => ids.map((id) => ({ namespace: id.split("/")[0], name: "x", keys: {} })) };
const env = { platform: "p", env: "local", profile: "dev-fast", gitops: { repoURL: "https://x", revision: "main" }, charts: { local: {} }, components: [{ component, options: {} }] };
console.log(JSON.stringify(componentSecrets(env).map((s) => s.namespace)));
`;

const CHARTS = `
import { allChartSpecs } from "./src/render/build.ts";
const names = ["aa", "ab", "z", "y", "j"];
const spec = (name) => ({ name, repository: "https://x", chart: name, version: "1.0.0" });
console.log(JSON.stringify(allChartSpecs([{ name: "c", charts: names.map(spec) }]).map((s) => s.name)));
`;

describe("output order is the same in every locale", () => {
  for (const locale of ["da_DK.UTF-8", "lt_LT.UTF-8"]) {
    it(`secrets of build.json under ${locale}`, () => {
      assert.deepEqual(orderUnder(locale, SECRETS), ["aa", "ab", "j", "y", "z"]);
    });
    it(`charts (charts lock order) under ${locale}`, () => {
      assert.deepEqual(orderUnder(locale, CHARTS), ["aa", "ab", "j", "y", "z"]);
    });
  }
});
