import { loadConfig } from "../../config/load.ts";
import { requireEnvironmentNames, resolveEnvironment } from "../../config/resolve.ts";
import { environmentSecrets } from "../../render/components-to-apps.ts";
import { initSecrets, setSecret } from "../../secrets/manage.ts";
import { missingSecrets, secretsFile } from "../../secrets/store.ts";
import { listFlag, parse, UsageError } from "../args.ts";
import { EXIT } from "../exit-codes.ts";
import type { Command } from "../main.ts";
import { green, info, printJson, yellow } from "../output.ts";

const HELP = `Usage: kindling secrets <init|set|check> [flags]

Secret values (database passwords, the Grafana admin login, tokens) are never
rendered into manifests-result/. They live in secrets/<env>.sops.yaml,
encrypted with SOPS to age keys listed in .sops.yaml, and are created in the
cluster at bootstrap. Components declare which Secrets they need.

  init   create your age key (~/.config/kindling/age/keys.txt) and .sops.yaml on
         first use, then generate every missing value kindling may generate
         (passwords); lists what only you can provide. Safe to run again.
  set    set one value, read from standard input (never from the command line,
         which would leave it in your shell history):
           printf %s "$TOKEN" | kindling secrets set --env prod edge/cloudflared-token token
  check  list missing values without decrypting anything (exit 1 if any)

Flags:
  -e, --env <name>      environment(s) (default: all; set needs exactly one)
  -c, --config <file>   platform definition (default: kindling.config.ts)
      --json            print the result as JSON

Examples:
  kindling secrets init --env local
  kindling secrets check --json
  htpasswd -nbB alice s3cret | kindling secrets set --env prod apps/edge-basic-auth users
`;

export const secretsCommand: Command = {
  summary: "manage secret values in secrets/<env>.sops.yaml (SOPS + age): init, set, check",
  async run(argv) {
    const { values, positionals } = parse("secrets", argv, {
      env: { type: "string", short: "e", multiple: true },
      config: { type: "string", short: "c" },
      json: { type: "boolean" },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return EXIT.ok;
    }
    const [action, ...rest] = positionals;
    if (action !== "init" && action !== "set" && action !== "check") {
      throw new UsageError(
        `kindling secrets needs init, set or check${action ? `, got "${action}"` : ""}; see \`kindling secrets --help\``,
        "secrets",
      );
    }
    const config = await loadConfig(values.config as string | undefined);
    const chosen = listFlag(values.env as string[] | undefined);
    const envs = chosen.length ? chosen : requireEnvironmentNames(config.definition, config.file);
    const requirementsOf = (env: string) => environmentSecrets(config.definition, env, { file: config.file });

    if (action === "set") {
      const [id, key] = rest;
      if (envs.length !== 1 || !id || !key || !/^[a-z0-9-]+\/[a-z0-9.-]+$/.test(id)) {
        throw new UsageError(
          "usage: kindling secrets set --env <env> <namespace>/<secret> <key>   (the value comes on standard input)",
          "secrets",
        );
      }
      // A typo must not create secrets/<typo>.sops.yaml: the environment has to exist (throws ConfigError, exit 2).
      resolveEnvironment(config.definition, envs[0] as string, { file: config.file });
      const value = await readStdin();
      if (!value) throw new UsageError("no value on standard input", "secrets");
      // One trailing line end is not part of the value, whether LF or CRLF (a file saved on Windows).
      const file = await setSecret(config.root, envs[0] as string, id, key, value.replace(/\r?\n$/, ""));
      info(`${green("✓")} set ${id} ${key} in ${file}`);
      return EXIT.ok;
    }

    if (action === "check") {
      const report = envs.map((env) => {
        const file = secretsFile(config.root, env);
        return { env, file, missing: missingSecrets(requirementsOf(env), file) };
      });
      if (values.json) printJson({ complete: report.every((r) => r.missing.length === 0), environments: report });
      else {
        for (const r of report) {
          if (r.missing.length === 0) info(`${green("✓")} ${r.env}: every secret value is in ${r.file}`);
          else
            info(
              `${yellow("!")} ${r.env}: missing ${r.missing.map((m) => `${m.id}:${m.key}${m.generated ? "" : " (set by hand)"}`).join(", ")}`,
            );
        }
      }
      return report.every((r) => r.missing.length === 0) ? EXIT.ok : EXIT.invalid;
    }

    const results = [];
    for (const env of envs) results.push({ env, ...(await initSecrets(config.root, env, requirementsOf(env))) });
    if (values.json) printJson({ environments: results });
    else {
      for (const r of results) {
        if (r.keyCreated) info(`created your age key (keep it safe; it decrypts the secrets files)`);
        info(`${green("✓")} ${r.env}: ${r.generated.length} value(s) generated${r.written ? ` → ${r.file}` : ", nothing to change"}`);
        for (const m of r.manual) info(`  ${yellow("set by hand:")} ${m}  (kindling secrets set --env ${r.env} ${m.replace(":", " ")})`);
      }
    }
    return EXIT.ok;
  },
};

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return "";
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
