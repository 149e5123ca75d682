import { createInterface } from "node:readline/promises";
import { dockerCheck } from "../../cluster/preflight.ts";
import { DEFAULT_CLUSTER_NAME, kindProvider } from "../../cluster/target.ts";
import { locateTool } from "../../tools/locate.ts";
import { parse, UsageError } from "../args.ts";
import { EXIT } from "../exit-codes.ts";
import type { Command } from "../main.ts";
import { bold, dim, green, info, red } from "../output.ts";

const HELP = `Usage: kindling down [--name <cluster>] [--yes]

Deletes the Kind cluster and everything in it (kind delete cluster). Asks
first; --yes skips the question (required when there is no terminal to ask
on). Rendered manifests and Docker's image cache stay.

Flags:
  --name <cluster>   Kind cluster name (default: ${DEFAULT_CLUSTER_NAME})
  -y, --yes          do not ask

Examples:
  kindling down
  kindling down --yes --name kindling-ci

Exit codes: 0 deleted (or there was none), 1 not confirmed, 2 usage, 3 Docker or kind missing.
`;

export const downCommand: Command = {
  summary: "delete the Kind cluster (asks first, or --yes)",
  async run(argv) {
    const { values, positionals } = parse("down", argv, { name: { type: "string" }, yes: { type: "boolean", short: "y" } });
    if (values.help) {
      process.stdout.write(HELP);
      return EXIT.ok;
    }
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"; the cluster name goes in --name`, "down");
    const name = (values.name as string | undefined) ?? DEFAULT_CLUSTER_NAME;

    const docker = await dockerCheck({});
    if (!docker.check.ok) {
      process.stderr.write(`${red("error:")} ${docker.check.message}\n  fix: ${docker.check.hint}\n`);
      return EXIT.environment;
    }
    if (!locateTool("kind")) {
      process.stderr.write(`${red("error:")} kind is not installed\n  fix: go install sigs.k8s.io/kind@v0.30.0\n`);
      return EXIT.environment;
    }
    const provider = kindProvider((l) => info(dim(`  ${l}`)));
    if (!(await provider.exists(name))) {
      info(`no Kind cluster named ${bold(name)}: nothing to delete`);
      return EXIT.ok;
    }
    if (!values.yes) {
      if (!process.stdin.isTTY) {
        throw new UsageError(`refusing to delete cluster ${name} without confirmation: no terminal to ask on; pass --yes`, "down");
      }
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      const answer = await rl.question(`Delete Kind cluster ${bold(name)} and everything in it? [y/N] `);
      rl.close();
      if (!/^y(es)?$/i.test(answer.trim())) {
        info("kept the cluster");
        return EXIT.invalid;
      }
    }
    const started = performance.now();
    await provider.delete(name);
    info(`${green("✓")} deleted Kind cluster ${bold(name)} in ${((performance.now() - started) / 1000).toFixed(1)}s`);
    return EXIT.ok;
  },
};
