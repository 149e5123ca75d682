import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, isAbsolute, join } from "node:path";
import { parse as parseYaml } from "yaml";
import { ClusterError } from "./errors.ts";

/** Everything needed to open a connection to one API server. */
export interface ClusterAccess {
  /** "https://127.0.0.1:6443" */
  server: string;
  /** The context these came from, for messages. */
  context: string;
  /** Kubeconfig file the context was found in. */
  file: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  token?: string;
  insecureSkipTLSVerify?: boolean;
  /** tls-server-name: the name to verify the serving certificate against. */
  serverName?: string;
}

interface KubeconfigFile {
  "current-context"?: string;
  contexts?: { name: string; context?: { cluster?: string; user?: string } }[];
  clusters?: { name: string; cluster?: Record<string, unknown> }[];
  users?: { name: string; user?: Record<string, unknown> }[];
}

/**
 * The kubeconfig files kubectl would read, in order: an explicit path, else
 * $KUBECONFIG (a list), else ~/.kube/config.
 */
export function kubeconfigFiles(explicit?: string): string[] {
  if (explicit) return [explicit];
  const env = process.env.KUBECONFIG;
  if (env) return env.split(delimiter).filter(Boolean);
  return [join(homedir(), ".kube", "config")];
}

/**
 * Resolves a context to a server and credentials. Supports what Kind and
 * kubeadm write (client certificates, inline or as files), bearer tokens and
 * token files; exec and auth-provider plugins are refused by name rather than
 * ignored, so a failure is never a confusing 401.
 */
export function loadClusterAccess(opts: { kubeconfig?: string; context?: string } = {}): ClusterAccess {
  const files = kubeconfigFiles(opts.kubeconfig);
  const loaded: { file: string; doc: KubeconfigFile }[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw err;
    }
    loaded.push({ file, doc: (parseYaml(text) ?? {}) as KubeconfigFile });
  }
  if (loaded.length === 0) {
    throw new ClusterError(
      `no kubeconfig found (looked at ${files.join(", ")})`,
      "create the cluster with `kindling up`, or pass --kubeconfig <file>",
    );
  }
  // Like kubectl: the first file that defines a name wins.
  const first = <T>(pick: (doc: KubeconfigFile) => T | undefined): { value: T; file: string } | undefined => {
    for (const { file, doc } of loaded) {
      const value = pick(doc);
      if (value !== undefined) return { value, file };
    }
    return undefined;
  };
  const contextName = opts.context ?? first((d) => d["current-context"] || undefined)?.value;
  if (!contextName) {
    throw new ClusterError(`kubeconfig ${files.join(", ")} has no current-context`, "pass --context <name>");
  }
  const ctx = first((d) => d.contexts?.find((c) => c.name === contextName)?.context);
  if (!ctx) {
    const known = loaded.flatMap(({ doc }) => (doc.contexts ?? []).map((c) => c.name));
    throw new ClusterError(
      `context "${contextName}" is not in ${files.join(", ")}`,
      known.length ? `known contexts: ${known.join(", ")}` : "create the cluster with `kindling up`",
    );
  }
  const clusterRef = first((d) => d.clusters?.find((c) => c.name === ctx.value.cluster)?.cluster);
  if (!clusterRef) throw new ClusterError(`context "${contextName}" names cluster "${ctx.value.cluster}", which is not defined`, "");
  const userRef = ctx.value.user ? first((d) => d.users?.find((u) => u.name === ctx.value.user)?.user) : undefined;

  const cluster = clusterRef.value;
  const user = userRef?.value ?? {};
  const base = (file: string) => dirname(file);
  const readData = (obj: Record<string, unknown>, key: string, file: string): Buffer | undefined => {
    const inline = obj[`${key}-data`];
    if (typeof inline === "string") return Buffer.from(inline, "base64");
    const path = obj[key];
    if (typeof path === "string") return readFileSync(isAbsolute(path) ? path : join(base(file), path));
    return undefined;
  };

  if (user.exec || user["auth-provider"]) {
    throw new ClusterError(
      `context "${contextName}" authenticates with an ${user.exec ? "exec" : "auth-provider"} plugin, which kindling does not run`,
      "use a context with client certificates or a token (Kind writes one)",
    );
  }
  const server = cluster.server;
  if (typeof server !== "string") throw new ClusterError(`cluster "${ctx.value.cluster}" has no server`, "");
  let token = typeof user.token === "string" ? user.token : undefined;
  if (!token && typeof user.tokenFile === "string") token = readFileSync(user.tokenFile, "utf8").trim();
  return {
    server: server.replace(/\/+$/, ""),
    context: contextName,
    file: ctx.file,
    ca: readData(cluster, "certificate-authority", clusterRef.file),
    cert: userRef ? readData(user, "client-certificate", userRef.file) : undefined,
    key: userRef ? readData(user, "client-key", userRef.file) : undefined,
    token,
    insecureSkipTLSVerify: cluster["insecure-skip-tls-verify"] === true,
    serverName: typeof cluster["tls-server-name"] === "string" ? cluster["tls-server-name"] : undefined,
  };
}

/** True when the kubeconfig defines this context; never throws. */
export function hasContext(context: string, kubeconfig?: string): boolean {
  for (const file of kubeconfigFiles(kubeconfig)) {
    try {
      const doc = (parseYaml(readFileSync(file, "utf8")) ?? {}) as KubeconfigFile;
      if (doc.contexts?.some((c) => c.name === context)) return true;
    } catch {
      // unreadable or missing: keep looking
    }
  }
  return false;
}
