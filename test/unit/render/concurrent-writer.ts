/**
 * Child process for write.test.ts: writes manifests-result/local/ `rounds`
 * times with every file holding `tag`, and prints how many writes failed.
 * Several of these run at once to race builds into one output folder.
 */
import type { RenderedEnvironment } from "../../../src/render/types.ts";
import { writeEnvironment } from "../../../src/render/write.ts";

const [out, tag, rounds] = process.argv.slice(2) as [string, string, string];
const env: RenderedEnvironment = {
  platform: "kindling",
  env: "local",
  profile: "dev-fast",
  applications: [],
  apps: [
    {
      name: "demo",
      namespace: "demo",
      dependsOn: [],
      syncWave: 0,
      hash: "sha256:x",
      objects: Array.from({ length: 30 }, (_, i) => ({
        object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `c${i}` } },
        class: "object" as const,
        source: "typed",
        file: `ConfigMap-c${i}.yaml`,
        content: `${tag}\n`,
      })),
    },
  ],
};
let failures = 0;
for (let i = 0; i < Number(rounds); i++) {
  try {
    await writeEnvironment(out, env);
  } catch (e) {
    failures++;
    process.stderr.write(`${(e as Error).message}\n`);
  }
}
process.stdout.write(`${failures}\n`);
