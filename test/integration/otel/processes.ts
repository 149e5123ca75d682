/**
 * Running real servers in tests: free loopback ports, processes whose output
 * is kept for the failure message, bounded waits, and a stop that always
 * runs (register it with t.after / after before anything can fail).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** A port the kernel just handed out on 127.0.0.1 (closed again, so the caller can bind it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

export interface Running {
  name: string;
  child: ChildProcess;
  /** stdout + stderr so far (the last 64 KiB). */
  output(): string;
  exited: Promise<number | null>;
}

export function start(name: string, bin: string, args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}): Running {
  const child = spawn(bin, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-65536);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) => {
    child.on("exit", (code) => resolve(code));
    child.on("error", (err) => {
      out += `\n${err.message}`;
      resolve(-1);
    });
  });
  return { name, child, output: () => out, exited };
}

/** Stops a process: SIGTERM, then SIGKILL after a grace period. Never throws. */
export async function stop(p: Running, graceMs = 5000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill("SIGTERM");
  const done = await Promise.race([p.exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (!done) {
    p.child.kill("SIGKILL");
    await p.exited;
  }
}

/** Polls `check` until it returns a value (not undefined) or the time is up; the error names what was awaited. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, procs: Running[] = []): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    for (const p of procs) {
      if (p.child.exitCode !== null) throw new Error(`${p.name} exited (${p.child.exitCode}) while waiting for ${what}:\n${p.output()}`);
    }
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const logs = procs.map((p) => `--- ${p.name}\n${p.output().slice(-4000)}`).join("\n");
      throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}${last ? ` (last error: ${last})` : ""}\n${logs}`);
    }
    await sleep(250);
  }
}

/** Runs a command to completion with a time limit; resolves with its output, rejects on failure. */
export async function run(bin: string, args: string[], timeoutMs = 60_000, env: Record<string, string> = {}): Promise<string> {
  const p = start(bin, bin, args, { env });
  const timer = setTimeout(() => p.child.kill("SIGKILL"), timeoutMs);
  const code = await p.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${bin} ${args.join(" ")} exited ${code}:\n${p.output()}`);
  return p.output();
}

/** GET and parse JSON; undefined on a non-2xx answer (for waitFor). */
export async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) return undefined;
  return res.json();
}
