/**
 * Errors of the cluster layer. Each one says what failed and what to do; the
 * CLI prints `message` and `hint` as they are (an error with a `hint` is an
 * environment problem to src/cli/main.ts).
 */
export class ClusterError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A Kubernetes Status returned by the API server for a failed request. */
export interface ApiStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { causes?: { field?: string; message?: string; reason?: string }[] };
}

/** The API server answered, and said no. */
export class ApiError extends Error {
  /** From a Retry-After header (429, 503), capped. */
  retryAfterSeconds?: number;

  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: ApiStatus,
  ) {
    super(`${method} ${path}: ${status} ${body.reason ?? ""}${body.message ? `: ${body.message}` : ""}`.replace(/\s+:/, ":"));
    this.name = "ApiError";
  }

  get reason(): string | undefined {
    return this.body.reason;
  }
}

/** The server could not be reached (refused, reset, timed out) even after retries. */
export class UnreachableError extends ClusterError {
  constructor(
    readonly server: string,
    override readonly cause: Error,
  ) {
    super(
      `the API server at ${server} does not answer: ${cause.message}`,
      "is the cluster running? `kindling status` shows it; `kindling up` creates it",
    );
  }
}

/**
 * The API server rejected an object of an app: names the object, the file it
 * came from and the server's own words, so the fix is one look away.
 */
export class ObjectRejectedError extends Error {
  constructor(
    readonly app: string,
    readonly object: string,
    readonly file: string,
    readonly serverMessage: string,
  ) {
    super(`app ${app}: ${object} (${file}) was rejected by the API server: ${serverMessage}`);
    this.name = "ObjectRejectedError";
  }
}

/** Readiness did not arrive in time; `details` explains the object that is not ready. */
export class NotReadyError extends Error {
  constructor(
    readonly app: string,
    readonly object: string,
    readonly why: string,
    readonly details: string[],
    readonly timeoutMs: number,
  ) {
    super(
      `app ${app}: ${object} is not ready after ${Math.round(timeoutMs / 1000)}s: ${why}${details.length ? `\n${details.map((d) => `    ${d}`).join("\n")}` : ""}`,
    );
    this.name = "NotReadyError";
  }
}

/** A workload reached a state it will not leave by itself (Job failed, rollout deadline exceeded). */
export class FailedError extends NotReadyError {}

/** Errors worth retrying: the connection, or a server that is (re)starting or overloaded. */
export function isTransient(err: unknown): boolean {
  if (err instanceof ApiError) {
    if (err.status === 429 || err.status === 502 || err.status === 503 || err.status === 504) return true;
    // etcd leader changes, "the server is currently unable to handle the request", and admission
    // webhooks whose service is still starting (istiod, cert-manager) come as 500.
    if (
      err.status === 500 &&
      /etcdserver|timeout|unable to handle|connection refused|try again|failed calling webhook|no endpoints available/i.test(
        err.body.message ?? "",
      )
    ) {
      return true;
    }
    return false;
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return (
    code === "ECONNREFUSED" ||
    code === "ECONNRESET" ||
    code === "EPIPE" ||
    code === "ETIMEDOUT" ||
    code === "EHOSTUNREACH" ||
    code === "ENOTCONN" ||
    code === "UND_ERR_SOCKET" ||
    code === "ERR_SOCKET_CLOSED" ||
    (err instanceof Error && /socket hang up|other side closed|request timed out/i.test(err.message))
  );
}

/** The reason an interrupted command's AbortSignal carries: which signal (SIGINT for Ctrl-C, SIGTERM) stopped it. */
export class InterruptedError extends Error {
  constructor(readonly signal: string) {
    super(`interrupted (${signal})`);
    this.name = "AbortError";
  }
}
