/**
 * Warm `kindling up` benchmark (issue 5, point 8).
 *
 *   node --import tsx bench/up/warm.ts [--runs 11]
 *
 * Starts a real control plane (kube-apiserver + etcd + controllers + kwok,
 * the integration-test harness), brings the local environment up once, then
 * times `node bin/kindling.mjs up --kubeconfig …` as a whole process, nothing
 * changed, N times: the default (render reused when no input changed),
 * --rerender (render forced), and --manifests (no render step at all). The
 * floor is `kindling --version`: Node + tsx + the CLI's imports. Also prints
 * `kindling up --dry-run`'s cold-start estimates. Markdown on stdout.
 */
import { spawnSync } from "node:child_process";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { locateTool } from "../../src/tools/locate.ts";
import { type ControlPlaneTools, startControlPlane } from "../../test/integration/cluster/harness.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "11" } } });
const runs = Number(values.runs);
const root = new URL("../..", import.meta.url).pathname;
const cli = join(root, "bin/kindling.mjs");

const tools = Object.fromEntries(
  ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"].map((n) => {
    const p = locateTool(n);
    if (!p) throw new Error(`${n} not found: scripts/tools/install.sh --only control-plane`);
    return [n, p];
  }),
) as unknown as ControlPlaneTools;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] as number;

function time(args: string[], expectUpToDate: boolean): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`kindling ${args.join(" ")} failed (${r.status}):\n${r.stderr}`);
  if (expectUpToDate && !/is up to date/.test(r.stderr)) throw new Error(`expected "up to date":\n${r.stderr}`);
  return ms;
}

const cp = await startControlPlane(tools, { nodes: 2, persistentVolumes: 12 });
try {
  const kc = ["--kubeconfig", cp.kubeconfig];
  const coldStart = performance.now();
  time(["up", ...kc, "--rerender"], false);
  const coldMs = performance.now() - coldStart;
  const variants: [string, string[], boolean][] = [
    ["`kindling --version` (floor: Node + tsx + CLI imports)", ["--version"], false],
    ["`kindling up` warm, default (render reused)", ["up", ...kc], true],
    [
      "`kindling up --manifests manifests-result/local` (no render step)",
      ["up", ...kc, "--manifests", join(root, "manifests-result/local")],
      true,
    ],
    ["`kindling up --rerender` (render forced)", ["up", ...kc, "--rerender"], true],
  ];
  const rows: string[] = [];
  for (const [label, args, upToDate] of variants) {
    time(args, upToDate); // warm-up: tsx transform cache
    const times = Array.from({ length: runs }, () => time(args, upToDate));
    rows.push(`| ${label} | ${median(times).toFixed(0)} ms | ${pct(times, 0.9).toFixed(0)} ms | ${Math.min(...times).toFixed(0)} ms |`);
  }
  const dry = spawnSync(process.execPath, [cli, "up", "--dry-run", "--json"], { cwd: root, encoding: "utf8" });
  const estimates =
    dry.status === 0
      ? (JSON.parse(dry.stdout).estimates as {
          profile: string;
          totalMs?: number;
          criticalPath?: { step: string; ms: number }[];
          error?: string;
        }[])
      : [];

  console.log(
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, load average ${loadavg()[0]?.toFixed(1)} at the end`,
  );
  console.log(
    `Environment: local, applied cold by \`kindling up --rerender\` in ${(coldMs / 1000).toFixed(1)} s (whole process, incl. render and readiness on kwok).`,
  );
  console.log(`\n| warm run, nothing changed (${runs} runs) | median | p90 | min |\n|---|---|---|---|\n${rows.join("\n")}`);
  if (estimates.length) {
    console.log("\n| profile | cold `up` critical-path estimate (`kindling up --dry-run`) | critical path |\n|---|---|---|");
    for (const e of estimates) {
      console.log(
        `| ${e.profile} | ${e.totalMs !== undefined ? `~${(e.totalMs / 1000).toFixed(0)} s` : `cannot render: ${e.error}`} | ${(e.criticalPath ?? []).map((c) => `${c.step} ${(c.ms / 1000).toFixed(1)}s`).join(" → ")} |`,
      );
    }
  }
} finally {
  await cp.stop();
}
