/**
 * Applying a whole rendered environment to a real API server: kindling's
 * engine against `kubectl apply --server-side` of the same files (issue 5,
 * point 8).
 *
 *   node --import tsx bench/apply/vs-kubectl.ts [--rounds 3] [--manifests <dir>]
 *
 * Each measurement gets a fresh control plane (kube-apiserver + etcd +
 * controllers + kwok), so every apply is a cold one. Both sides are timed as
 * whole processes. kubectl gets the order it needs: CRDs, `kubectl wait` for
 * Established, namespaces, then everything else (kubectl neither orders nor
 * waits by itself). kindling: bench/apply/apply-only.ts (the engine of `up`
 * without readiness waits). Also: re-applying the unchanged environment
 * (kubectl patches every object again; `kindling up` checks one LIST).
 * Markdown on stdout.
 */
import { spawnSync } from "node:child_process";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { readRendered } from "../../src/cluster/manifests.ts";
import { build } from "../../src/render/build.ts";
import { locateTool } from "../../src/tools/locate.ts";
import { type ControlPlaneTools, startControlPlane } from "../../test/integration/cluster/harness.ts";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "3" }, manifests: { type: "string" } } });
const rounds = Number(values.rounds);
const root = new URL("../..", import.meta.url).pathname;
const kubectl = locateTool("kubectl");
if (!kubectl) throw new Error("kubectl not found: scripts/tools/install.sh --only kubectl");
const tools = Object.fromEntries(
  ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"].map((n) => {
    const p = locateTool(n);
    if (!p) throw new Error(`${n} not found: scripts/tools/install.sh --only control-plane`);
    return [n, p];
  }),
) as unknown as ControlPlaneTools;

const dir =
  values.manifests ??
  ((
    await build({
      config: join(root, "kindling.config.ts"),
      envs: ["local"],
      out: join(root, "bench/out/manifests-result"),
      write: true,
      warn: () => {},
    })
  ).written[0] as string);
const desired = await readRendered(dir);
const files = (cls: string) =>
  desired.apps.flatMap((a) => a.objects.filter((o) => o.class === cls).map((o) => join(process.cwd(), o.file)));
const crds = files("crd");
const namespaces = files("namespace");
const rest = files("object");
const objects = crds.length + namespaces.length + rest.length;

function run(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const t = performance.now();
  const r = spawnSync(file, args, { cwd: root, encoding: "utf8", env, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${file} ${args.slice(0, 4).join(" ")} … failed:\n${r.stderr}`);
  return performance.now() - t;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function withControlPlane<T>(fn: (kubeconfig: string) => Promise<T> | T): Promise<T> {
  const cp = await startControlPlane(tools, { nodes: 2, persistentVolumes: 12 });
  try {
    return await fn(cp.kubeconfig);
  } finally {
    await cp.stop();
  }
}

const kubectlApply = (kubeconfig: string) => {
  const f = (list: string[]) => list.flatMap((x) => ["-f", x]);
  const base = ["--kubeconfig", kubeconfig];
  let ms = 0;
  if (crds.length) {
    ms += run(kubectl, [...base, "apply", "--server-side", "--field-manager=bench", ...f(crds)]);
    ms += run(kubectl, [...base, "wait", "--for=condition=Established", "crd", "--all", "--timeout=120s"]);
  }
  if (namespaces.length) ms += run(kubectl, [...base, "apply", "--server-side", "--field-manager=bench", ...f(namespaces)]);
  ms += run(kubectl, [...base, "apply", "--server-side", "--field-manager=bench", ...f(rest)]);
  return ms;
};
const kindlingApply = (kubeconfig: string) =>
  run(process.execPath, ["--import", "tsx", join(root, "bench/apply/apply-only.ts"), kubeconfig, dir]);
const kindlingUp = (kubeconfig: string) =>
  run(process.execPath, [join(root, "bin/kindling.mjs"), "up", "--kubeconfig", kubeconfig, "--manifests", dir, "--timeout", "120s"], {
    ...process.env,
    NO_COLOR: "1",
  });

const results = {
  kubectl: [] as number[],
  kindling: [] as number[],
  kubectlAgain: [] as number[],
  kindlingUp: [] as number[],
  kindlingUpAgain: [] as number[],
};
// Warm the tsx transform cache once, outside the measurements.
await withControlPlane((kc) => kindlingApply(kc));
for (let i = 0; i < rounds; i++) {
  // Alternate who goes first, so neither always meets a freshly idle machine.
  const order = i % 2 === 0 ? ["kubectl", "kindling"] : ["kindling", "kubectl"];
  for (const who of order) {
    await withControlPlane((kc) => {
      if (who === "kubectl") {
        results.kubectl.push(kubectlApply(kc));
        results.kubectlAgain.push(kubectlApply(kc));
      } else {
        results.kindling.push(kindlingApply(kc));
      }
    });
  }
  await withControlPlane((kc) => {
    results.kindlingUp.push(kindlingUp(kc));
    results.kindlingUpAgain.push(kindlingUp(kc));
  });
}

const m = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v)])) as Record<keyof typeof results, number>;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, load average ${loadavg()[0]?.toFixed(1)} at the end`,
);
console.log(
  `Environment: ${desired.env} (${desired.profile}), ${desired.apps.length} apps, ${objects} objects (${crds.length} CRDs), ${rounds} rounds, fresh control plane per cold apply, medians.`,
);
console.log(`
| whole process, real kube-apiserver | time | vs kubectl |
|---|---|---|
| \`kubectl apply --server-side\` (CRDs, wait Established, namespaces, rest) | ${s(m.kubectl)} | 1.00 |
| kindling engine, apply only (bench/apply/apply-only.ts) | ${s(m.kindling)} | **${(m.kubectl / m.kindling).toFixed(2)}× faster** |
| \`kindling up --manifests\` (apply + prune bookkeeping + readiness on kwok) | ${s(m.kindlingUp)} | ${(m.kubectl / m.kindlingUp).toFixed(2)}× |
| \`kubectl apply --server-side\` again, nothing changed | ${s(m.kubectlAgain)} | |
| \`kindling up\` again, nothing changed | ${s(m.kindlingUpAgain)} | ${(m.kubectlAgain / m.kindlingUpAgain).toFixed(1)}× faster |`);
