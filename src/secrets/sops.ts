import { spawn } from "node:child_process";
import { locateTool } from "../tools/locate.ts";

/**
 * The one place that runs sops and age-keygen. Plaintext only ever travels
 * through pipes: it is never written to a file, not even a temporary one.
 */

export class SecretsError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = "SecretsError";
  }
}

function tool(name: "sops" | "age-keygen"): string {
  const found = locateTool(name);
  if (!found) {
    throw new SecretsError(`${name} is not installed`, `scripts/tools/install.sh --only ${name === "sops" ? "sops" : "age"}`);
  }
  return found;
}

function run(bin: string, args: string[], opts: { input?: string; env?: Record<string, string> } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, ...opts.env } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    // A tool that exits without reading its input (bad arguments, no config) closes the pipe: the exit code and
    // stderr below say what went wrong; an unhandled EPIPE here would crash the whole process instead.
    child.stdin.on("error", () => {});
    child.on("close", (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString("utf8"));
      else reject(new Error(Buffer.concat(err).toString("utf8").trim() || `${bin} exited with ${code}`));
    });
    child.stdin.end(opts.input ?? "");
  });
}

/** Decrypts a SOPS file with the age identity in `keyFile`. */
export async function sopsDecrypt(file: string, keyFile: string): Promise<string> {
  try {
    return await run(tool("sops"), ["decrypt", "--input-type", "yaml", "--output-type", "yaml", file], {
      env: { SOPS_AGE_KEY_FILE: keyFile },
    });
  } catch (err) {
    throw new SecretsError(
      `cannot decrypt ${file}: ${(err as Error).message.split("\n")[0]}`,
      `your age key (${keyFile}) is not among the file's recipients: for a shared environment, ask a teammate to add your public key to .sops.yaml and run \`sops updatekeys ${file}\`; for local, delete ${file} and run \`kindling secrets init --env local\` to generate new values`,
    );
  }
}

/** Encrypts YAML plaintext (given on stdin) to the age recipients; `asFile` names it for sops' messages. */
export async function sopsEncrypt(plaintext: string, recipients: string[], asFile: string): Promise<string> {
  return run(
    tool("sops"),
    ["encrypt", "--age", recipients.join(","), "--input-type", "yaml", "--output-type", "yaml", "--filename-override", asFile],
    { input: plaintext },
  );
}

/** Creates an age identity file (mode 600 by age-keygen) and returns its public key. */
export async function ageKeygen(keyFile: string): Promise<void> {
  await run(tool("age-keygen"), ["-o", keyFile]);
}

export async function agePublicKey(keyFile: string): Promise<string> {
  return (await run(tool("age-keygen"), ["-y", keyFile])).trim();
}
