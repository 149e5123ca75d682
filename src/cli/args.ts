import { type ParseArgsConfig, parseArgs } from "node:util";

export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** parseArgs with errors that name the flag and point at --help. */
export function parse<O extends Options>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
  } catch (err) {
    const msg = (err as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    throw new UsageError(`${msg}\nRun \`kindling ${command} --help\` for the flags it takes.`, command);
  }
}

/** "--env local --env prod" and "--env local,prod" both work. */
export function listFlag(value: string | string[] | boolean | undefined): string[] {
  if (value === undefined || typeof value === "boolean") return [];
  return (Array.isArray(value) ? value : [value])
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
}
