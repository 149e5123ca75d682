import { diffEnvironment } from "../../cluster/diff.ts";
import { connectTarget } from "../../cluster/target.ts";
import { listFlag, parse } from "../args.ts";
import { EXIT } from "../exit-codes.ts";
import type { Command } from "../main.ts";
import { bold, dim, green, info, printJson, red, yellow } from "../output.ts";
import { CLUSTER_FLAGS, CLUSTER_FLAGS_HELP, desiredFor, targetOf } from "./cluster-flags.ts";

const HELP = `Usage: kindling diff [flags]

What \`kindling up\` would change, per app, live against rendered: every
object is dry-run applied on the API server (so defaults and fields other
tools own are taken into account exactly as a real apply would) and compared
with the live object. Objects the app no longer renders are listed as pruned.
Changes nothing.

Flags:
${CLUSTER_FLAGS_HELP}
      --app <name>         only these apps (repeat or comma-separate)

Examples:
  kindling diff
  kindling diff --app traefik
  kindling diff --json | jq '.apps[] | select(.changed) | .app'

Exit codes: 0 no difference, 1 differences, 2 usage, 3 cluster unreachable.
`;

export const diffCommand: Command = {
  summary: "per app, live objects against the rendered ones (what `up` would change)",
  async run(argv) {
    const { values } = parse("diff", argv, { ...CLUSTER_FLAGS, app: { type: "string", multiple: true } });
    if (values.help) {
      process.stdout.write(HELP);
      return EXIT.ok;
    }
    const desired = await desiredFor("diff", values);
    const client = connectTarget(targetOf(values));
    try {
      const apps = await diffEnvironment(client, desired, { apps: listFlag(values.app as string[] | undefined) });
      const changed = apps.some((a) => a.changed);
      if (values.json) {
        printJson({ env: desired.env, changed, apps });
        return changed ? EXIT.invalid : EXIT.ok;
      }
      for (const app of apps) {
        const counts = { create: 0, change: 0, prune: 0, same: 0 };
        for (const o of app.objects) counts[o.action]++;
        const summary = `${counts.create} to create, ${counts.change} to change, ${counts.prune} to prune, ${counts.same} unchanged`;
        info(`${app.changed ? yellow("~") : green("=")} ${bold(app.app)} ${dim(summary)}`);
        for (const o of app.objects) {
          if (o.action === "same") continue;
          if (o.action === "prune") {
            process.stdout.write(`${red(`- prune ${o.object}`)}\n`);
            continue;
          }
          if (o.rejected) {
            process.stdout.write(`${red(`! ${o.object} (${o.file}) would be rejected: ${o.rejected}`)}\n`);
            continue;
          }
          process.stdout.write(`${bold(`${o.action} ${o.object}`)} ${dim(o.file ?? "")}\n${colorDiff(o.diff ?? "")}`);
        }
      }
      info(changed ? yellow("differences found: `kindling up` applies them") : green("✓ the cluster matches the definition"));
      return changed ? EXIT.invalid : EXIT.ok;
    } finally {
      client.close();
    }
  },
};

function colorDiff(diff: string): string {
  return diff
    .split("\n")
    .map((l) =>
      l.startsWith("+") && !l.startsWith("+++")
        ? green(l)
        : l.startsWith("-") && !l.startsWith("---")
          ? red(l)
          : l.startsWith("@@")
            ? dim(l)
            : l,
    )
    .join("\n");
}
