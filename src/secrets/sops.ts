import { locateTool } from "../tools/locate.ts";
import { runTool } from "../tools/run.ts";

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

async function run(bin: string, args: string[], opts: { input?: string; env?: Record<string, string> } = {}): Promise<string> {
  const { code, stdout, stderr } = await runTool(bin, args, { input: opts.input ?? "", env: opts.env });
  if (code === 0) return stdout;
  throw new Error(stderr.trim() || `${bin} exited with ${code}`);
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
