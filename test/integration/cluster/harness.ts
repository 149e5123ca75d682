import { type ChildProcess, execFile, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { KubeClient } from "../../../src/cluster/client.ts";
import { loadClusterAccess } from "../../../src/cluster/kubeconfig.ts";

/**
 * A real Kubernetes control plane on loopback for integration tests: etcd,
 * kube-apiserver, kube-controller-manager, kube-scheduler, and kwok playing
 * the kubelet of a few fake nodes (pods get scheduled, become Running and
 * Ready, Job pods succeed). Everything binds to 127.0.0.1 on free ports, lives
 * in one temp folder, and is killed on stop() — and on process exit, so a
 * crashed test leaves nothing running.
 */
export interface ControlPlaneTools {
  etcd: string;
  "kube-apiserver": string;
  "kube-controller-manager": string;
  "kube-scheduler": string;
  kwok: string;
}

export interface ControlPlane {
  dir: string;
  kubeconfig: string;
  server: string;
  client: KubeClient;
  /** Kills kube-apiserver (SIGKILL, like a crash) and starts it again; resolves when it is ready. */
  restartApiServer(opts?: { downMs?: number }): Promise<void>;
  /** Kills kube-apiserver and starts it again after downMs, without waiting. */
  bounceApiServer(downMs: number): Promise<void>;
  stop(): Promise<void>;
  logTail(component: keyof ControlPlaneTools, lines?: number): string;
}

const run = promisify(execFile);
const live = new Set<ChildProcess>();
const killAll = () => {
  for (const p of live) p.kill("SIGKILL");
};
process.on("exit", killAll);
// Ctrl-C or a CI runner's SIGTERM must not leave an API server behind either.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(signal === "SIGINT" ? 130 : 143);
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function openssl(dir: string, args: string[]): Promise<void> {
  await run("openssl", args, { cwd: dir });
}

/** A CA, the API server's serving cert, an admin client cert (system:masters) and the service-account key pair. */
async function makeCerts(dir: string): Promise<void> {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await openssl(dir, ["req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=kindling-test-ca"]);
  await writeFile(
    join(dir, "server.ext"),
    "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default.svc,IP:10.96.0.1\nextendedKeyUsage=serverAuth\n",
  );
  await writeFile(join(dir, "client.ext"), "extendedKeyUsage=clientAuth\n");
  const sign = async (name: string, subj: string, ext: string) => {
    await openssl(dir, ["req", ...ec, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subj]);
    await openssl(dir, [
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${name}.crt`,
      "-days",
      "2",
      "-extfile",
      ext,
    ]);
  };
  await Promise.all([
    sign("server", "/CN=kube-apiserver", "server.ext"),
    sign("admin", "/O=system:masters/CN=kindling-admin", "client.ext"),
  ]);
  await openssl(dir, ["ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out", "sa.key"]);
  await openssl(dir, ["ec", "-in", "sa.key", "-pubout", "-out", "sa.pub"]);
}

function kubeconfigYaml(dir: string, server: string): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: ${server}
    certificate-authority: ${join(dir, "ca.crt")}
users:
- name: admin
  user:
    client-certificate: ${join(dir, "admin.crt")}
    client-key: ${join(dir, "admin.key")}
contexts:
- name: test
  context: {cluster: test, user: admin}
current-context: test
`;
}

function startProcess(name: string, bin: string, args: string[], logFile: string): ChildProcess {
  const fd = openSync(logFile, "a");
  const child = spawn(bin, args, { stdio: ["ignore", fd, fd] });
  closeSync(fd);
  live.add(child);
  child.on("exit", () => live.delete(child));
  child.on("error", (err) => {
    throw new Error(`${name} failed to start: ${err.message}`);
  });
  return child;
}

async function stopProcess(child: ChildProcess | undefined, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill(signal);
  const timeout = sleep(5_000).then(() => "timeout");
  if ((await Promise.race([exited, timeout])) === "timeout") {
    child.kill("SIGKILL");
    await exited;
  }
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, logs: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(200);
  }
  throw new Error(`${what} not ready after ${timeoutMs / 1000}s; last log lines:\n${logs()}`);
}

export async function startControlPlane(
  tools: ControlPlaneTools,
  opts: { nodes?: number; persistentVolumes?: number } = {},
): Promise<ControlPlane> {
  const dir = await mkdtemp(join(tmpdir(), "kindling-cp-"));
  const procs: Partial<Record<keyof ControlPlaneTools, ChildProcess>> = {};
  const logOf = (c: keyof ControlPlaneTools) => join(dir, `${c}.log`);
  const logTail = (c: keyof ControlPlaneTools, lines = 20) => {
    try {
      return readFileSync(logOf(c), "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    } catch {
      return "(no log)";
    }
  };
  let client: KubeClient | undefined;
  const stop = async () => {
    client?.close();
    await stopProcess(procs.kwok);
    await Promise.all([stopProcess(procs["kube-scheduler"]), stopProcess(procs["kube-controller-manager"])]);
    await stopProcess(procs["kube-apiserver"]);
    await stopProcess(procs.etcd);
    if (!process.env.KINDLING_KEEP_TEST_CLUSTER) await rm(dir, { recursive: true, force: true });
  };

  try {
    await makeCerts(dir);
    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
    const server = `https://127.0.0.1:${apiPort}`;
    const kubeconfig = join(dir, "kubeconfig");
    await writeFile(kubeconfig, kubeconfigYaml(dir, server));

    procs.etcd = startProcess(
      "etcd",
      tools.etcd,
      [
        "--name=default",
        `--data-dir=${join(dir, "etcd")}`,
        `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
        `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
        // Test data need not survive a power cut; fsync dominates etcd latency on small disks.
        "--unsafe-no-fsync",
        "--log-level=warn",
      ],
      logOf("etcd"),
    );
    await waitFor(
      "etcd",
      async () => (await fetch(`http://127.0.0.1:${etcdClient}/health`)).ok,
      30_000,
      () => logTail("etcd"),
    );

    const apiserverArgs = [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${apiPort}`,
      `--tls-cert-file=${join(dir, "server.crt")}`,
      `--tls-private-key-file=${join(dir, "server.key")}`,
      `--client-ca-file=${join(dir, "ca.crt")}`,
      "--service-account-issuer=https://kubernetes.default.svc",
      `--service-account-key-file=${join(dir, "sa.pub")}`,
      `--service-account-signing-key-file=${join(dir, "sa.key")}`,
      "--service-cluster-ip-range=10.96.0.0/16",
      "--authorization-mode=RBAC",
      "--allow-privileged=true",
      // The "kubernetes" Service endpoint would be 127.0.0.1, which the reconciler refuses; nothing here needs it.
      "--endpoint-reconciler-type=none",
      "--profiling=false",
      "--v=1",
    ];
    const startApiServer = () => {
      procs["kube-apiserver"] = startProcess("kube-apiserver", tools["kube-apiserver"], apiserverArgs, logOf("kube-apiserver"));
    };
    startApiServer();
    client = new KubeClient(loadClusterAccess({ kubeconfig }), { retryBudgetMs: 15_000 });
    const c = client;
    const apiReady = () =>
      waitFor(
        "kube-apiserver",
        async () => (await c.request<string>({ path: "/readyz", retry: false, timeoutMs: 2_000 })) === "ok",
        90_000,
        () => logTail("kube-apiserver"),
      );
    await apiReady();

    procs["kube-controller-manager"] = startProcess(
      "kube-controller-manager",
      tools["kube-controller-manager"],
      [
        `--kubeconfig=${kubeconfig}`,
        "--leader-elect=false",
        "--bind-address=127.0.0.1",
        "--secure-port=0",
        `--service-account-private-key-file=${join(dir, "sa.key")}`,
        `--root-ca-file=${join(dir, "ca.crt")}`,
        "--controllers=*,-csrsigning,-csrapproving,-csrcleaner,-nodeipam",
        "--v=1",
      ],
      logOf("kube-controller-manager"),
    );
    procs["kube-scheduler"] = startProcess(
      "kube-scheduler",
      tools["kube-scheduler"],
      [`--kubeconfig=${kubeconfig}`, "--leader-elect=false", "--bind-address=127.0.0.1", "--secure-port=0", "--v=1"],
      logOf("kube-scheduler"),
    );
    procs.kwok = startProcess(
      "kwok",
      tools.kwok,
      [
        `--kubeconfig=${kubeconfig}`,
        `--config=${new URL("../../fixtures/cluster/kwok/stages.yaml", import.meta.url).pathname}`,
        "--manage-all-nodes=false",
        "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
        "--node-lease-duration-seconds=40",
        "--cidr=10.244.0.0/16",
        "--node-ip=10.0.0.1",
      ],
      logOf("kwok"),
    );

    const nodes = opts.nodes ?? 2;
    for (let i = 0; i < nodes; i++) await c.request({ method: "POST", path: "/api/v1/nodes", body: fakeNode(`kwok-node-${i}`) });
    // Claims of StatefulSets need volumes; without a provisioner, pre-made PersistentVolumes stand in.
    for (let i = 0; i < (opts.persistentVolumes ?? 6); i++) {
      await c.request({ method: "POST", path: "/api/v1/persistentvolumes", body: fakeVolume(`kwok-pv-${i}`) });
    }
    await waitFor(
      "kwok nodes",
      async () => {
        const list = await c.get<{ items: { status?: { conditions?: { type: string; status: string }[] } }[] }>("/api/v1/nodes");
        return (
          list.items.length === nodes &&
          list.items.every((n) => n.status?.conditions?.some((x) => x.type === "Ready" && x.status === "True"))
        );
      },
      // Generous: on a loaded 2-core machine the controllers start slowly; on an idle one this takes a second.
      120_000,
      () => logTail("kwok"),
    );
    // The controller manager is working once it has given "default" its ServiceAccount (pods need it to be admitted).
    await waitFor(
      "kube-controller-manager",
      async () => (await c.getOptional("/api/v1/namespaces/default/serviceaccounts/default")) !== undefined,
      120_000,
      () => logTail("kube-controller-manager"),
    );

    const bounceApiServer = async (downMs: number) => {
      await stopProcess(procs["kube-apiserver"], "SIGKILL");
      await sleep(downMs);
      startApiServer();
    };
    return {
      dir,
      kubeconfig,
      server,
      client: c,
      bounceApiServer,
      async restartApiServer({ downMs = 0 } = {}) {
        await bounceApiServer(downMs);
        await apiReady();
      },
      stop,
      logTail,
    };
  } catch (err) {
    const logs = (Object.keys(procs) as (keyof ControlPlaneTools)[]).map((k) => `--- ${k}\n${logTail(k, 10)}`).join("\n");
    await stop();
    throw new Error(`${(err as Error).message}\n${logs}`);
  }
}

function fakeNode(name: string) {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
      labels: {
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/os": "linux",
        "kubernetes.io/hostname": name,
        type: "kwok",
      },
    },
  };
}

function fakeVolume(name: string) {
  return {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name },
    spec: {
      capacity: { storage: "100Gi" },
      accessModes: ["ReadWriteOnce"],
      persistentVolumeReclaimPolicy: "Delete",
      hostPath: { path: `/tmp/${name}` },
    },
  };
}
