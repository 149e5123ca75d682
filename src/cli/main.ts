import { InterruptedError } from "../cluster/errors.ts";
import { ConfigError } from "../config/resolve.ts";
import { LockFileError } from "../helm/errors.ts";
import { YamlFileError } from "../kustomize/files.ts";
import { ValidationError } from "../render/types.ts";
import { UsageError } from "./args.ts";
import { buildCommand } from "./commands/build.ts";
import { chartsCommand } from "./commands/charts.ts";
import { diffCommand } from "./commands/diff.ts";
import { doctorCommand } from "./commands/doctor.ts";
import { downCommand } from "./commands/down.ts";
import { secretsCommand } from "./commands/secrets.ts";
import { statusCommand } from "./commands/status.ts";
import { upCommand } from "./commands/up.ts";
import { validateCommand } from "./commands/validate.ts";
import { EXIT, EXIT_CODES_HELP } from "./exit-codes.ts";
import { bold, red } from "./output.ts";

export interface Command {
  summary: string;
  /**
   * Commands that stop cleanly on Ctrl-C/SIGTERM: `signal` aborts, the command
   * stops its steps and child processes, says what was interrupted and
   * returns. Any other command exits at once.
   */
  interruptible?: boolean;
  run(argv: string[], ctx?: { signal?: AbortSignal }): Promise<number>;
}

const commands: Record<string, Command> = {
  build: buildCommand,
  validate: validateCommand,
  doctor: doctorCommand,
  charts: chartsCommand,
  secrets: secretsCommand,
  up: upCommand,
  down: downCommand,
  status: statusCommand,
  diff: diffCommand,
};

const HELP = `${bold("kindling")} — a production-like Kubernetes platform on Kind, defined in typed TypeScript

Usage: kindling <command> [flags]

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join("\n")}

Start here:
  npm ci && npx kindling build        render every environment into manifests-result/
  npx kindling doctor                 check the tools a bootstrap needs
  npx kindling <command> --help       flags and examples for one command

${EXIT_CODES_HELP}
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(HELP);
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === "--version") {
    process.stdout.write("kindling 0.1.0\n");
    return EXIT.ok;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(
      `${red("error:")} unknown command "${name}"; commands: ${Object.keys(commands).join(", ")}\nRun \`kindling --help\`.\n`,
    );
    return EXIT.usage;
  }
  running = command;
  return command.run(rest, { signal: interrupt.signal });
}

/** Maps every error to a message and an exit code; a stack trace only for real bugs. */
function report(err: unknown): number {
  const say = (msg: string) => process.stderr.write(`${red("error:")} ${msg}\n`);
  if (err instanceof UsageError || err instanceof ConfigError) {
    say(err.message);
    return EXIT.usage;
  }
  if (err instanceof ValidationError) {
    say(err.message);
    return EXIT.invalid;
  }
  if (err instanceof Error && "hint" in err) {
    say(`${err.message}${err.hint ? `\n  fix: ${err.hint}` : ""}`);
    return EXIT.environment;
  }
  // Files the user can fix (charts.lock.yaml, a YAML file an app includes, a missing path): the message names the file.
  if (
    err instanceof LockFileError ||
    err instanceof YamlFileError ||
    (err instanceof Error && (err as NodeJS.ErrnoException).code === "ENOENT" && "path" in err)
  ) {
    say(err.message);
    return EXIT.environment;
  }
  say(err instanceof Error ? (err.stack ?? err.message) : String(err));
  return EXIT.environment;
}

/**
 * Ctrl-C / SIGTERM: an interruptible command (`up`) is aborted through its
 * AbortSignal, so it kills the processes it started (kind, docker) and leaves
 * its record honest; it then exits 130. A second signal, or a command that
 * does not stop within 15 s, exits at once.
 */
const interrupt = new AbortController();
let running: Command | undefined;
const onSignal = (signal: NodeJS.Signals) => {
  if (interrupt.signal.aborted || !running?.interruptible) process.exit(EXIT.interrupted);
  interrupt.abort(new InterruptedError(signal));
  process.exitCode = EXIT.interrupted;
  setTimeout(() => process.exit(EXIT.interrupted), 15_000).unref();
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = interrupt.signal.aborted ? EXIT.interrupted : code;
  },
  (err) => {
    if (interrupt.signal.aborted) {
      process.exitCode = EXIT.interrupted;
      return;
    }
    process.exitCode = report(err);
  },
);
