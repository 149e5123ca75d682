import { spawn } from "node:child_process";

/**
 * Runs an external tool and captures both streams. Resolves with the exit code
 * and output even when the tool fails, because what a failure means is the
 * caller's business; rejects only when the tool cannot start.
 *
 * helm is never started through here directly: src/helm/runner.ts wraps this
 * so its binary choice and spawn accounting stay in one place.
 */
export interface ToolResult {
  /** Exit code; null when the tool was killed (timeout). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ToolRunOptions {
  cwd?: string;
  /** Kill the tool after this long. */
  timeoutMs?: number;
  /** Written to the tool's stdin; without it stdin is closed from the start. */
  input?: string;
  /** Added to this process's environment. */
  env?: Record<string, string>;
}

export function runTool(bin: string, args: string[], opts: ToolRunOptions = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      cwd: opts.cwd,
      stdio: [opts.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      timeout: opts.timeoutMs,
      env: opts.env ? { ...process.env, ...opts.env } : undefined,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on("data", (b: Buffer) => out.push(b));
    child.stderr?.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code, signal) =>
      resolve({ code, signal, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }),
    );
    if (child.stdin) {
      // A tool that exits without reading its input (bad arguments, no config) closes the pipe: the exit code and
      // stderr say what went wrong; an unhandled EPIPE here would crash the whole process instead.
      child.stdin.on("error", () => {});
      child.stdin.end(opts.input);
    }
  });
}
