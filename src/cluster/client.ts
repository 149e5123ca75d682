import http from "node:http";
import https from "node:https";
import { setTimeout as sleep } from "node:timers/promises";
import { ApiError, type ApiStatus, isTransient, UnreachableError } from "./errors.ts";
import type { ClusterAccess } from "./kubeconfig.ts";

export interface RequestOptions {
  method?: "GET" | "PATCH" | "DELETE" | "POST" | "PUT";
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Objects are sent as JSON (JSON is YAML, so apply patches take it too). */
  body?: unknown;
  contentType?: string;
  accept?: string;
  /** Per attempt. */
  timeoutMs?: number;
  /** false: one attempt only (probes that have their own loop). */
  retry?: boolean;
}

export interface ClientOptions {
  /** How long transient failures are retried before giving up: an API server restart takes ~10-30 s. */
  retryBudgetMs?: number;
  /** Open connections at most; requests beyond queue in the agent. */
  maxSockets?: number;
  /** Called before each retry, for progress output. */
  onRetry?: (what: string, attempt: number, err: unknown) => void;
}

export interface RequestStats {
  requests: number;
  retries: number;
}

/**
 * A small Kubernetes REST client on node's own http(s): keep-alive
 * connections, JSON in and out, and retries with exponential backoff and
 * jitter for everything transient (refused or reset connections while the
 * API server restarts, 429, 5xx from etcd hiccups). Requests kindling makes
 * are all idempotent (GET, server-side apply, DELETE), so retrying is safe.
 */
export class KubeClient {
  readonly server: string;
  readonly stats: RequestStats = { requests: 0, retries: 0 };
  private readonly agent: http.Agent;
  private readonly url: URL;
  private readonly retryBudgetMs: number;

  constructor(
    readonly access: ClusterAccess,
    private readonly opts: ClientOptions = {},
  ) {
    this.server = access.server;
    this.url = new URL(access.server);
    this.retryBudgetMs = opts.retryBudgetMs ?? 60_000;
    const common = { keepAlive: true, maxSockets: opts.maxSockets ?? 32 };
    this.agent =
      this.url.protocol === "https:"
        ? new https.Agent({
            ...common,
            ca: access.ca,
            cert: access.cert,
            key: access.key,
            rejectUnauthorized: !access.insecureSkipTLSVerify,
            servername: access.serverName,
          })
        : new http.Agent(common);
  }

  async request<T = unknown>(req: RequestOptions): Promise<T> {
    const started = Date.now();
    let attempt = 0;
    for (;;) {
      attempt++;
      try {
        this.stats.requests++;
        return (await this.once(req)) as T;
      } catch (err) {
        const elapsed = Date.now() - started;
        if (req.retry === false || !isTransient(err) || elapsed >= this.retryBudgetMs) {
          if (err instanceof ApiError) throw err;
          if (isTransient(err)) throw new UnreachableError(this.server, err as Error);
          throw err;
        }
        this.stats.retries++;
        this.opts.onRetry?.(`${req.method ?? "GET"} ${req.path}`, attempt, err);
        const retryAfter = err instanceof ApiError ? (err.retryAfterSeconds ?? 0) : 0;
        const backoff = Math.min(5_000, 100 * 2 ** Math.min(attempt, 6));
        const wait = Math.max(retryAfter * 1000, backoff / 2 + Math.random() * (backoff / 2));
        await sleep(Math.min(wait, Math.max(0, this.retryBudgetMs - elapsed)));
      }
    }
  }

  get<T = unknown>(path: string, query?: RequestOptions["query"]): Promise<T> {
    return this.request<T>({ path, query });
  }

  /** GET that answers undefined for 404 instead of throwing. */
  async getOptional<T = unknown>(path: string, query?: RequestOptions["query"]): Promise<T | undefined> {
    try {
      return await this.get<T>(path, query);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** Closes idle keep-alive sockets so the process can exit at once. */
  close(): void {
    this.agent.destroy();
  }

  private once(req: RequestOptions): Promise<unknown> {
    const method = req.method ?? "GET";
    const url = new URL(req.path, this.url);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const body = req.body === undefined ? undefined : typeof req.body === "string" ? req.body : JSON.stringify(req.body);
    const headers: Record<string, string> = { accept: req.accept ?? "application/json", "user-agent": "kindling" };
    if (body !== undefined) {
      headers["content-type"] = req.contentType ?? "application/json";
      headers["content-length"] = String(Buffer.byteLength(body));
    }
    if (this.access.token) headers.authorization = `Bearer ${this.access.token}`;
    const transport = url.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
      const r = transport.request(url, { method, headers, agent: this.agent, timeout: req.timeoutMs ?? 30_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const status = res.statusCode ?? 0;
          const json = parseJson(text);
          if (status >= 200 && status < 300) return resolve(json ?? text);
          const statusBody: ApiStatus =
            json && typeof json === "object" ? (json as ApiStatus) : { message: text.trim().slice(0, 500) || res.statusMessage };
          const err = new ApiError(method, url.pathname, status, statusBody);
          const retryAfter = Number(res.headers["retry-after"]);
          if (Number.isFinite(retryAfter)) err.retryAfterSeconds = Math.min(retryAfter, 10);
          reject(err);
        });
      });
      r.on("timeout", () =>
        r.destroy(Object.assign(new Error(`request timed out after ${req.timeoutMs ?? 30_000}ms`), { code: "ETIMEDOUT" })),
      );
      r.on("error", reject);
      r.end(body);
    });
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
