import { runHelm } from "../helm/runner.ts";
import { locateTool } from "../tools/locate.ts";
import { runTool } from "../tools/run.ts";

export interface ToolRequirement {
  name: string;
  /** What kindling uses it for. */
  purpose: string;
  minimum: string;
  /** Arguments that print the version. */
  versionArgs: string[];
  /** How to install it, one line. */
  install: string;
  /** Required for `kindling up`; optional ones only enable some features. */
  required: boolean;
}

export const TOOLS: readonly ToolRequirement[] = [
  {
    name: "docker",
    purpose: "runs the Kind nodes",
    minimum: "24.0.0",
    versionArgs: ["version", "--format", "{{.Client.Version}}"],
    install: "install Docker Engine or Docker Desktop (https://docs.docker.com/engine/install/), then start it",
    required: true,
  },
  {
    name: "kind",
    purpose: "creates the local cluster",
    minimum: "0.27.0",
    versionArgs: ["version"],
    install: "go install sigs.k8s.io/kind@v0.30.0 (or https://kind.sigs.k8s.io/docs/user/quick-start/#installation)",
    required: true,
  },
  {
    name: "kubectl",
    purpose: "renders Kustomize inputs; debugging",
    minimum: "1.31.0",
    versionArgs: ["version", "--client"],
    install: "scripts/tools/install.sh --only kubectl",
    required: true,
  },
  {
    name: "helm",
    purpose: "renders pinned charts (helm template)",
    minimum: "3.14.0",
    versionArgs: ["version", "--short"],
    install: "scripts/tools/install.sh --only helm",
    required: true,
  },
  {
    name: "sops",
    purpose: "encrypts secrets kept in git",
    minimum: "3.9.0",
    versionArgs: ["--version", "--disable-version-check"],
    install: "scripts/tools/install.sh --only sops",
    required: false,
  },
  {
    name: "age",
    purpose: "the key type sops encrypts to",
    minimum: "1.1.0",
    versionArgs: ["--version"],
    install: "apt-get install age (or brew install age)",
    required: false,
  },
];

export type ToolStatus = "ok" | "missing" | "too-old" | "unknown-version" | "not-running";

export interface ToolCheck {
  name: string;
  purpose: string;
  required: boolean;
  status: ToolStatus;
  path?: string;
  version?: string;
  minimum: string;
  /** What to do about it; empty when status is ok. */
  hint: string;
}

/** The first x.y.z in a tool's version output ("v3.14.2+g...", "kind v0.27.0 go1.23"). */
export function parseVersion(output: string): string | undefined {
  return output
    .match(/(\d+)\.(\d+)(?:\.(\d+))?/)
    ?.slice(0, 4)
    .filter((p, i) => i > 0 && p !== undefined)
    .join(".");
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function run(file: string, args: string[]): Promise<{ ok: boolean; out: string }> {
  // helm is only ever started by the helm runner (one place decides its binary and environment).
  if (file.endsWith("/helm"))
    return runHelm(args, { chart: "(doctor)", timeoutMs: 10_000 }).then((r) => ({ ok: r.code === 0, out: r.stdout + r.stderr }));
  return runTool(file, args, { timeoutMs: 10_000 }).then(
    (r) => ({ ok: r.code === 0, out: r.stdout + r.stderr }),
    () => ({ ok: false, out: "" }),
  );
}

export async function checkTool(req: ToolRequirement): Promise<ToolCheck> {
  const base = { name: req.name, purpose: req.purpose, required: req.required, minimum: req.minimum };
  const path = locateTool(req.name);
  if (!path) return { ...base, status: "missing", hint: req.install };
  const { out } = await run(path, req.versionArgs);
  const version = parseVersion(out);
  if (!version)
    return { ...base, path, status: "unknown-version", hint: `could not read a version from \`${req.name} ${req.versionArgs.join(" ")}\`` };
  if (compareVersions(version, req.minimum) < 0) {
    return { ...base, path, version, status: "too-old", hint: `upgrade to ${req.minimum} or later: ${req.install}` };
  }
  if (req.name === "docker") {
    // The client answering says nothing about the engine: Kind needs the engine.
    const engine = await run(path, ["info", "--format", "{{.ServerVersion}}"]);
    if (!engine.ok || !parseVersion(engine.out)) {
      return {
        ...base,
        path,
        version,
        status: "not-running",
        hint: "the Docker client is installed but no engine answers: start Docker (systemctl start docker, or open Docker Desktop)",
      };
    }
  }
  return { ...base, path, version, status: "ok", hint: "" };
}

export function checkTools(): Promise<ToolCheck[]> {
  return Promise.all(TOOLS.map(checkTool));
}
