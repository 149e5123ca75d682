/**
 * Render benchmark (issue: foundation, point 9).
 *
 *   node --import tsx bench/render/run.ts [--runs 9] [--env local]
 *
 * 1. whole process: `node bin/kindling.mjs build --env <env>` spawned N times
 *    (charts cached), wall time per run, median reported;
 * 2. in-process re-render: build() called N times in this process with the
 *    config re-imported each time (what a watch mode does), median reported.
 * Prints a Markdown table to paste into bench/RESULTS.md.
 */
import { spawnSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { build } from "../../src/render/build.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "9" }, env: { type: "string", default: "local" } } });
const runs = Number(values.runs);
const env = values.env as string;
const root = new URL("../..", import.meta.url).pathname;
const out = join(root, "bench/out/manifests-result");

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

function wholeProcess(): number[] {
  const times: number[] = [];
  // One warm-up run fills the tsx transform cache and the helm render cache.
  for (let i = 0; i <= runs; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, [join(root, "bin/kindling.mjs"), "build", "--env", env, "--out", out], {
      cwd: root,
      encoding: "utf8",
    });
    const ms = performance.now() - t;
    if (r.status !== 0) throw new Error(`kindling build failed:\n${r.stderr}`);
    if (i > 0) times.push(ms);
  }
  return times;
}

async function inProcess(): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const t = performance.now();
    await build({ config: join(root, "kindling.config.ts"), envs: [env], out, write: true, warn: () => {} });
    if (i > 0) times.push(performance.now() - t);
  }
  return times;
}

const whole = wholeProcess();
const again = await inProcess();
const result = await build({ config: join(root, "kindling.config.ts"), envs: [env], write: false, warn: () => {} });
const e = result.environments[0];
const objects = e?.apps.reduce((n, a) => n + a.objects.length, 0) ?? 0;

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
console.log(`environment ${env}: ${e?.apps.length} apps, ${objects} objects; ${runs} runs each after one warm-up\n`);
console.log("| measurement | median | min | max | target |");
console.log("|---|---|---|---|---|");
console.log(
  `| whole process \`kindling build --env ${env}\` | ${fmt(median(whole))} | ${fmt(Math.min(...whole))} | ${fmt(Math.max(...whole))} | < 1500 ms |`,
);
console.log(
  `| in-process re-render (config re-imported) | ${fmt(median(again))} | ${fmt(Math.min(...again))} | ${fmt(Math.max(...again))} | < 300 ms |`,
);
