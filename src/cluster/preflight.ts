import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { checkTool, compareVersions, parseVersion, TOOLS } from "../doctor/checks.ts";
import { locateTool } from "../tools/locate.ts";
import { type CommandRunner, runCommand } from "./command.ts";
import { ClusterError } from "./errors.ts";

/**
 * What must hold on the host before `kind create cluster` is worth starting:
 * a Docker engine that answers, kind itself, the host ports the profile
 * publishes, enough memory for the profile, and (for the mesh) inotify limits
 * high enough. Each failed check says what to install, start or change.
 */
export interface PreflightCheck {
  name: string;
  ok: boolean;
  /** "error" stops `up`; "warning" is printed and `up` goes on. */
  severity: "error" | "warning";
  message: string;
  hint?: string;
}

export interface PreflightInput {
  profile: string;
  /** Host ports the Kind config publishes: "port (service)". */
  hostPorts: { port: number; service: string }[];
  /** The mesh (Istio ambient) runs in this profile: ztunnel and istio-cni need many inotify instances. */
  mesh: boolean;
  run?: CommandRunner;
  readProc?: (path: string) => Promise<string>;
  locate?: (name: string) => string | undefined;
}

/** Memory Docker must offer per profile (GiB): measured peaks of the platform plus headroom. */
export const MIN_DOCKER_MEMORY_GIB: Record<string, number> = { "dev-fast": 4, cilium: 6, full: 8 };

/** Kind's known-issues page: the mesh and many pods exhaust the default inotify limits ("too many open files"). */
export const MIN_INOTIFY = { max_user_instances: 512, max_user_watches: 524288 };

export const INSTALL_DOCKER =
  "install Docker Engine (https://docs.docker.com/engine/install/) or Docker Desktop (https://docs.docker.com/desktop/), then start it";
export const START_DOCKER =
  "start the Docker engine: `sudo systemctl start docker` on Linux, or open Docker Desktop on macOS/Windows (on WSL, enable Docker Desktop's WSL integration)";

export async function dockerCheck(input: Pick<PreflightInput, "run" | "locate">): Promise<{ check: PreflightCheck; memBytes?: number }> {
  const run = input.run ?? runCommand;
  const docker = (input.locate ?? locateTool)("docker");
  if (!docker) {
    return {
      check: {
        name: "docker",
        ok: false,
        severity: "error",
        message: "Docker is not installed (no `docker` on PATH)",
        hint: INSTALL_DOCKER,
      },
    };
  }
  const r = await run(docker, ["info", "--format", "{{.ServerVersion}}|{{.MemTotal}}|{{.NCPU}}"], { timeoutMs: 20_000 });
  const [version, mem, cpus] = r.stdout.trim().split("|");
  if (r.code !== 0 || !version || version.includes("<no value>")) {
    const why =
      (r.stderr || r.stdout)
        .trim()
        .split("\n")
        .find((l) => l.trim()) ?? `exit code ${r.code}`;
    return {
      check: {
        name: "docker",
        ok: false,
        severity: "error",
        message: `Docker is installed but its engine does not answer: ${why}`,
        hint: START_DOCKER,
      },
    };
  }
  const minimum = TOOLS.find((t) => t.name === "docker")?.minimum ?? "0";
  const parsed = parseVersion(version);
  if (parsed && compareVersions(parsed, minimum) < 0) {
    return {
      check: {
        name: "docker",
        ok: false,
        severity: "error",
        message: `Docker engine ${version} is older than ${minimum}`,
        hint: `upgrade Docker: ${INSTALL_DOCKER}`,
      },
    };
  }
  return {
    check: { name: "docker", ok: true, severity: "error", message: `Docker engine ${version}, ${cpus ?? "?"} CPUs` },
    memBytes: Number(mem) || undefined,
  };
}

export function memoryCheck(profile: string, memBytes: number | undefined): PreflightCheck {
  const need = MIN_DOCKER_MEMORY_GIB[profile] ?? 4;
  if (!memBytes) return { name: "docker memory", ok: true, severity: "warning", message: "Docker did not report its memory" };
  const gib = memBytes / 2 ** 30;
  const ok = gib >= need;
  return {
    name: "docker memory",
    ok,
    severity: "warning",
    message: `Docker has ${gib.toFixed(1)} GiB of memory; profile ${profile} wants ${need} GiB`,
    hint: ok
      ? undefined
      : `give Docker at least ${need} GiB (Docker Desktop: Settings → Resources), or use a smaller profile (--profile dev-fast)`,
  };
}

export async function portsCheck(ports: { port: number; service: string }[]): Promise<PreflightCheck> {
  const busy: string[] = [];
  await Promise.all(
    ports.map(
      ({ port, service }) =>
        new Promise<void>((resolve) => {
          const srv = createServer();
          srv.once("error", () => {
            busy.push(`${port} (${service})`);
            resolve();
          });
          srv.listen(port, "127.0.0.1", () => srv.close(() => resolve()));
        }),
    ),
  );
  busy.sort();
  return busy.length
    ? {
        name: "host ports",
        ok: false,
        severity: "error",
        message: `host port(s) already in use on 127.0.0.1: ${busy.join(", ")}`,
        hint: `find the owner with \`ss -ltnp 'sport = :${busy[0]?.split(" ")[0]}'\` (or lsof -i :<port>); another Kind cluster? \`kind get clusters\``,
      }
    : { name: "host ports", ok: true, severity: "error", message: `${ports.length} host port(s) free` };
}

export async function inotifyCheck(readProc: (path: string) => Promise<string>): Promise<PreflightCheck> {
  const read = async (key: keyof typeof MIN_INOTIFY) => Number((await readProc(`/proc/sys/fs/inotify/${key}`).catch(() => "")).trim());
  const instances = await read("max_user_instances");
  const watches = await read("max_user_watches");
  if (!instances || !watches) {
    return { name: "inotify", ok: true, severity: "warning", message: "inotify limits not readable here (Docker Desktop VM manages them)" };
  }
  const ok = instances >= MIN_INOTIFY.max_user_instances && watches >= MIN_INOTIFY.max_user_watches;
  return {
    name: "inotify",
    ok,
    severity: "warning",
    message: `inotify max_user_instances=${instances}, max_user_watches=${watches}`,
    hint: ok
      ? undefined
      : `the mesh needs more: sudo sysctl fs.inotify.max_user_instances=${MIN_INOTIFY.max_user_instances} fs.inotify.max_user_watches=${MIN_INOTIFY.max_user_watches}`,
  };
}

export async function kindCheck(): Promise<PreflightCheck> {
  const req = TOOLS.find((t) => t.name === "kind");
  if (!req) return { name: "kind", ok: true, severity: "error", message: "kind requirement unknown" };
  const c = await checkTool(req);
  return c.status === "ok"
    ? { name: "kind", ok: true, severity: "error", message: `kind ${c.version}` }
    : { name: "kind", ok: false, severity: "error", message: `kind is ${c.status}`, hint: c.hint };
}

/** All host checks, concurrently. */
export async function preflight(input: PreflightInput): Promise<PreflightCheck[]> {
  const readProc = input.readProc ?? ((p: string) => readFile(p, "utf8"));
  const [docker, kind, ports, inotify] = await Promise.all([
    dockerCheck(input),
    kindCheck(),
    portsCheck(input.hostPorts),
    input.mesh ? inotifyCheck(readProc) : Promise.resolve(undefined),
  ]);
  const checks = [docker.check, kind, ports];
  if (docker.check.ok) checks.push(memoryCheck(input.profile, docker.memBytes));
  if (inotify) checks.push(inotify);
  return checks;
}

export class PreflightError extends ClusterError {
  constructor(readonly checks: PreflightCheck[]) {
    const failed = checks.filter((c) => !c.ok && c.severity === "error");
    super(
      `preflight failed:\n${failed.map((c) => `  ✗ ${c.message}${c.hint ? `\n    fix: ${c.hint}` : ""}`).join("\n")}`,
      // Each failed check's fix is in the message already: nothing to repeat as a separate hint.
      "",
    );
  }
}

/** Throws PreflightError when an error-level check failed. */
export function assertPreflight(checks: PreflightCheck[]): void {
  if (checks.some((c) => !c.ok && c.severity === "error")) throw new PreflightError(checks);
}
