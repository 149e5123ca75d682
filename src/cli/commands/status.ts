import { endpointsOf } from "../../cluster/endpoints.ts";
import { clusterStatus } from "../../cluster/status.ts";
import { connectTarget } from "../../cluster/target.ts";
import { parse } from "../args.ts";
import { EXIT } from "../exit-codes.ts";
import type { Command } from "../main.ts";
import { bold, dim, green, info, printJson, red, table, yellow } from "../output.ts";
import { CLUSTER_FLAGS, CLUSTER_FLAGS_HELP, desiredFor, targetOf } from "./cluster-flags.ts";

const HELP = `Usage: kindling status [flags]

Per app: in sync (the cluster holds what the definition renders now: same
content hash, last apply finished, every object present) and ready (the same
rules \`kindling up\` waits for). Then the endpoints and how to log in.
Renders in memory to compare; writes nothing, changes nothing.

Flags:
${CLUSTER_FLAGS_HELP}

Examples:
  kindling status
  kindling status --json | jq '.apps[] | select(.ready | not)'
  kindling status --kubeconfig ./kubeconfig --manifests manifests-result/local

Exit codes: 0 every app in sync and ready, 1 not, 2 usage, 3 cluster unreachable.
`;

export const statusCommand: Command = {
  summary: "per app: in sync with the definition? ready? plus endpoints",
  async run(argv) {
    const { values } = parse("status", argv, CLUSTER_FLAGS);
    if (values.help) {
      process.stdout.write(HELP);
      return EXIT.ok;
    }
    const desired = await desiredFor("status", values);
    const client = connectTarget(targetOf(values));
    try {
      const status = await clusterStatus(client, desired);
      const endpoints = endpointsOf(desired);
      const healthy = status.healthy;
      if (values.json) {
        printJson({
          env: desired.env,
          profile: desired.profile,
          healthy,
          cluster: status.cluster,
          apps: status.apps,
          removed: status.removed,
          endpoints,
        });
      } else {
        const rows = [["app", "sync", "ready", "objects", "detail"].map(dim)];
        for (const a of status.apps) {
          const detail = a.missing.length
            ? `missing: ${a.missing.slice(0, 3).join(", ")}${a.missing.length > 3 ? ", …" : ""}`
            : a.notReady.length
              ? `${a.notReady[0]?.object}: ${a.notReady[0]?.reason}${a.notReady.length > 1 ? ` (+${a.notReady.length - 1})` : ""}`
              : a.inSync
                ? ""
                : a.change;
          rows.push([
            a.name,
            a.inSync ? green("in sync") : yellow("out of sync"),
            a.ready ? green("ready") : red("not ready"),
            String(a.objects),
            dim(detail),
          ]);
        }
        for (const name of status.removed)
          rows.push([name, yellow("removed"), "-", "-", dim("no longer defined; `kindling up` prunes it")]);
        info(
          `${bold(desired.env)} (${desired.profile}) on ${client.access.context}${status.cluster.updatedAt ? dim(`, last up ${status.cluster.updatedAt}`) : ""}`,
        );
        info(table(rows));
        if (endpoints.length) {
          info("");
          info(table([["endpoint", "url", "login"].map(dim), ...endpoints.map((e) => [e.name, e.url, e.credentials ?? "-"])]));
        }
        info(
          healthy
            ? green("\n✓ in sync and ready")
            : yellow("\nnot everything is in sync and ready: `kindling up` converges, `kindling diff` shows the difference"),
        );
      }
      return healthy ? EXIT.ok : EXIT.invalid;
    } finally {
      client.close();
    }
  },
};
