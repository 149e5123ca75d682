import { checkTools } from "../../doctor/checks.ts";
import { parse, UsageError } from "../args.ts";
import { EXIT } from "../exit-codes.ts";
import type { Command } from "../main.ts";
import { dim, green, info, printJson, red, table, yellow } from "../output.ts";

const HELP = `Usage: kindling doctor [--json]

Checks the tools kindling uses: found or not, version against the minimum,
and how to install what is missing. Required: docker (running), kind,
kubectl, helm. Optional: sops, age (secrets).

Exit code 0 when every required tool is fine, 1 when one is not.

Examples:
  kindling doctor
  kindling doctor --json | jq '.tools[] | select(.status != "ok")'
`;

export const doctorCommand: Command = {
  summary: "check docker, kind, kubectl, helm, sops and age (found, version, how to install)",
  async run(argv) {
    const { values, positionals } = parse("doctor", argv, { json: { type: "boolean" } });
    if (positionals.length > 0) throw new UsageError(`kindling doctor takes no arguments, got "${positionals[0]}"`, "doctor");
    if (values.help) {
      process.stdout.write(HELP);
      return EXIT.ok;
    }
    const checks = await checkTools();
    const healthy = checks.every((c) => c.status === "ok" || !c.required);
    if (values.json) {
      printJson({ healthy, tools: checks });
    } else {
      const rows = [["", "tool", "version", "minimum", "note"].map(dim)];
      for (const c of checks) {
        const mark = c.status === "ok" ? green("✓") : c.required ? red("✗") : yellow("!");
        rows.push([mark, c.name, c.version ?? "-", c.minimum, c.status === "ok" ? dim(c.purpose) : `${c.status}: ${c.hint}`]);
      }
      info(table(rows));
      info(healthy ? green("ready") : red("not ready: fix the ✗ lines above"));
    }
    return healthy ? EXIT.ok : EXIT.invalid;
  },
};
