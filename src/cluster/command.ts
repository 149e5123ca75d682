import { spawn } from "node:child_process";

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs external programs (kind, docker). Injected so tests can check command lines without Docker. */
export type CommandRunner = (
  file: string,
  args: string[],
  opts?: { timeoutMs?: number; onLine?: (line: string) => void; signal?: AbortSignal },
) => Promise<CommandResult>;

/**
 * Spawns a program and collects its output; `onLine` streams stderr and
 * stdout lines as they come (kind prints its progress on stderr). Never
 * throws for a non-zero exit: the caller decides what the code means. A
 * missing executable is code 127, like a shell.
 */
export const runCommand: CommandRunner = (file, args, opts = {}) =>
  new Promise((resolve) => {
    const child = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"], signal: opts.signal });
    let stdout = "";
    let stderr = "";
    let partial = "";
    const lines = (chunk: string) => {
      if (!opts.onLine) return;
      partial += chunk;
      const parts = partial.split("\n");
      partial = parts.pop() ?? "";
      for (const line of parts) if (line.trim()) opts.onLine(line);
    };
    child.stdout.on("data", (c: Buffer) => {
      stdout += c;
      lines(c.toString());
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c;
      lines(c.toString());
    });
    const timer = opts.timeoutMs ? setTimeout(() => child.kill("SIGTERM"), opts.timeoutMs) : undefined;
    child.on("error", (err) => {
      clearTimeout(timer);
      resolve({ code: (err as NodeJS.ErrnoException).code === "ENOENT" ? 127 : 1, stdout, stderr: stderr || err.message });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
