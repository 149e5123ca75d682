import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import { type CommandRunner, runCommand } from "./command.ts";
import { ClusterError } from "./errors.ts";

/**
 * The Kind CLI, driven as a user would: `kind create cluster --config`,
 * `kind get clusters`, `kind load docker-image`, `kind delete cluster`.
 * Command lines are built by pure functions so they can be tested on a
 * machine without Docker.
 */
export function kindContext(name: string): string {
  return `kind-${name}`;
}

export function createClusterArgs(name: string, configFile: string, opts: { kubeconfig?: string } = {}): string[] {
  // --wait 0: kindling waits for readiness itself (nodes Ready after the CNI), in parallel with other steps.
  return [
    "create",
    "cluster",
    "--name",
    name,
    "--config",
    configFile,
    "--wait",
    "0s",
    ...(opts.kubeconfig ? ["--kubeconfig", opts.kubeconfig] : []),
  ];
}

export function deleteClusterArgs(name: string, opts: { kubeconfig?: string } = {}): string[] {
  return ["delete", "cluster", "--name", name, ...(opts.kubeconfig ? ["--kubeconfig", opts.kubeconfig] : [])];
}

export function exportKubeconfigArgs(name: string, opts: { kubeconfig?: string } = {}): string[] {
  return ["export", "kubeconfig", "--name", name, ...(opts.kubeconfig ? ["--kubeconfig", opts.kubeconfig] : [])];
}

export function loadImagesArgs(name: string, images: string[]): string[] {
  return ["load", "docker-image", "--name", name, ...images];
}

/** sha256 of the config as Kind reads it: a different hash means a different cluster shape, which only a re-create applies. */
export function clusterConfigHash(config: object): string {
  return `sha256:${createHash("sha256").update(JSON.stringify(config)).digest("hex")}`;
}

export class KindProvider {
  constructor(
    readonly kindBin: string,
    readonly dockerBin: string,
    private readonly run: CommandRunner = runCommand,
    private readonly log: (line: string) => void = () => {},
  ) {}

  async clusters(): Promise<string[]> {
    const r = await this.run(this.kindBin, ["get", "clusters"], { timeoutMs: 30_000 });
    if (r.code !== 0)
      throw new ClusterError(`kind get clusters failed: ${firstLine(r.stderr)}`, "is Docker running? `kindling doctor` checks");
    return r.stdout
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("No kind clusters"));
  }

  async exists(name: string): Promise<boolean> {
    return (await this.clusters()).includes(name);
  }

  /** Writes the config next to the other kindling state (.kindling/) and creates the cluster from it. */
  async create(name: string, config: object, stateDir: string, opts: { kubeconfig?: string; signal?: AbortSignal } = {}): Promise<string> {
    await mkdir(stateDir, { recursive: true });
    const file = join(stateDir, `kind-${name}.yaml`);
    await writeFile(file, stringify(config, { lineWidth: 0 }));
    const r = await this.run(this.kindBin, createClusterArgs(name, file, opts), {
      timeoutMs: 10 * 60_000,
      onLine: (l) => this.log(l.trim()),
      signal: opts.signal,
    });
    if (r.code !== 0) {
      throw new ClusterError(
        `kind create cluster --name ${name} failed: ${lastLines(r.stderr)}`,
        "check Docker's memory and disk, then `kindling up --recreate`; `kind export logs` collects node logs",
      );
    }
    return file;
  }

  /** Writes the context kind-<name> of an existing cluster into the kubeconfig (`kind export kubeconfig`). */
  async exportKubeconfig(name: string, opts: { kubeconfig?: string } = {}): Promise<void> {
    const r = await this.run(this.kindBin, exportKubeconfigArgs(name, opts), { timeoutMs: 60_000 });
    if (r.code !== 0) {
      throw new ClusterError(
        `Kind cluster ${name} exists but has no context ${kindContext(name)}, and kind export kubeconfig --name ${name} failed: ${lastLines(r.stderr)}`,
        "is Docker running and the cluster's containers started? Or start over with `kindling up --recreate`",
      );
    }
  }

  async delete(name: string, opts: { kubeconfig?: string; signal?: AbortSignal } = {}): Promise<void> {
    const r = await this.run(this.kindBin, deleteClusterArgs(name, opts), {
      timeoutMs: 5 * 60_000,
      onLine: (l) => this.log(l.trim()),
      signal: opts.signal,
    });
    if (r.code !== 0) throw new ClusterError(`kind delete cluster --name ${name} failed: ${lastLines(r.stderr)}`, "is Docker running?");
  }

  /** Images present in the local Docker image store (`docker image inspect` answers for them). */
  async localImages(images: string[]): Promise<string[]> {
    const present = await Promise.all(
      images.map(
        async (img) => (await this.run(this.dockerBin, ["image", "inspect", "--format", "{{.Id}}", img], { timeoutMs: 30_000 })).code === 0,
      ),
    );
    return images.filter((_, i) => present[i]);
  }

  /** Pulls on the host, where Docker's cache survives cluster re-creation; failures are reported, not fatal. */
  async pull(images: string[], signal?: AbortSignal): Promise<{ pulled: string[]; failed: string[] }> {
    const results = await Promise.all(
      images.map(async (img) => ({
        img,
        ok: (await this.run(this.dockerBin, ["pull", "--quiet", img], { timeoutMs: 10 * 60_000, signal })).code === 0,
      })),
    );
    return { pulled: results.filter((r) => r.ok).map((r) => r.img), failed: results.filter((r) => !r.ok).map((r) => r.img) };
  }

  async load(name: string, images: string[], signal?: AbortSignal): Promise<void> {
    if (images.length === 0) return;
    const r = await this.run(this.kindBin, loadImagesArgs(name, images), { timeoutMs: 10 * 60_000, signal });
    if (r.code !== 0)
      throw new ClusterError(`kind load docker-image failed: ${lastLines(r.stderr)}`, "the nodes will pull the images themselves");
  }
}

function firstLine(s: string): string {
  return s.trim().split("\n")[0] ?? "";
}

function lastLines(s: string, n = 5): string {
  return s.trim().split("\n").slice(-n).join("\n  ");
}
