import { build } from "../../render/build.ts";
import { EXIT } from "../exit-codes.ts";
import type { Command } from "../main.ts";
import { printJson, warn } from "../output.ts";
import { printSummary, summarize } from "./build.ts";
import { parseRenderFlags, RENDER_FLAGS_HELP } from "./build-flags.ts";

const HELP = `Usage: kindling validate [flags]

Runs every check \`kindling build\` runs — config options, NodePort clashes,
chart pins, object schemas (Kubernetes built-ins and the CRDs kindling emits) —
without writing anything. Use it in CI and in pre-commit hooks.

Flags:
${RENDER_FLAGS_HELP}

Examples:
  kindling validate
  kindling validate --env prod --json
`;

export const validateCommand: Command = {
  summary: "run all of build's checks without writing anything",
  async run(argv) {
    const { options, values, json } = parseRenderFlags("validate", argv);
    if (values.help) {
      process.stdout.write(HELP);
      return EXIT.ok;
    }
    const result = await build({ ...options, write: false, warn });
    if (json) printJson({ valid: true, ...summarize(result) });
    else printSummary(result, "validated");
    return EXIT.ok;
  },
};
