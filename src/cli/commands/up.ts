import { dirname, relative, resolve } from "node:path";
import { ClusterError, NotReadyError, ObjectRejectedError } from "../../cluster/errors.ts";
import { estimateColdUp } from "../../cluster/estimates.ts";
import { imagesOf } from "../../cluster/manifests.ts";
import type { PlanEvents, StepResult } from "../../cluster/plan.ts";
import { renderUnlessCurrent } from "../../cluster/render-fingerprint.ts";
import { type UpReport, up } from "../../cluster/up.ts";
import { upPlan } from "../../cluster/up-plan.ts";
import { PROFILES } from "../../components/types.ts";
import { DEFAULT_CONFIG_FILE, loadConfig } from "../../config/load.ts";
import { resolveEnvironment } from "../../config/resolve.ts";
import { build } from "../../render/build.ts";
import { componentSecrets } from "../../render/components-to-apps.ts";
import { bootstrapSecrets } from "../../secrets/bootstrap.ts";
import { parse, UsageError } from "../args.ts";
import { EXIT } from "../exit-codes.ts";
import type { Command } from "../main.ts";
import { bold, dim, green, info, printJson, red, table, warn, yellow } from "../output.ts";
import { CLUSTER_FLAGS, CLUSTER_FLAGS_HELP, renderDesired, targetOf } from "./cluster-flags.ts";

const HELP = `Usage: kindling up [flags]

Brings the platform up on a local Kind cluster, or on any cluster with
--kubeconfig: renders the environment (kindling build), creates the Kind
cluster from the profile's generated config if there is none, then applies the
apps in dependency order — independent apps at once — with server-side apply,
prunes what the definition no longer has, and waits until everything is
really ready (Deployments available, StatefulSets and DaemonSets rolled out,
Jobs complete, CRDs Established, Argo CD Applications Healthy).

Warm start: each app's content hash is recorded in the cluster. Nothing
changed → "up to date" without touching any object; one app changed → only
that app is applied. A changed cluster config (another profile) needs
--recreate: kindling never deletes a cluster unasked.

Interrupted (Ctrl-C, killed, API server restart)? Run it again: it finishes.

Flags:
${CLUSTER_FLAGS_HELP}
      --recreate           delete and re-create the Kind cluster (its contents are lost)
      --dry-run            print the plan and a critical-path estimate per profile; touch nothing
      --timeout <dur>      readiness timeout per app: 90s, 5m (default: 5m)
      --no-preload         do not pull images on the host and load them into Kind
      --timings            print the timing table even when nothing changed
      --rerender           render even if no input changed since the last build (see docs/bootstrap.md)

Examples:
  kindling up                              the local environment, its profile (npm run bootstrap)
  kindling up --profile full               Cilium, Istio ambient and Argo CD (npm run full-bootstrap)
  kindling up --profile cilium --recreate  switch an existing cluster to another profile
  kindling up --dry-run                    what would run, and how long a cold start takes per profile
  kindling up --kubeconfig ~/.kube/other   apply to a cluster kindling does not manage
  kindling up --json | jq '.apps[] | select(.status != "unchanged")'

Exit codes:
  0    up and ready (or up to date)
  1    an app failed: an object was rejected (message names object, file and the server's words) or did not become ready
  2    usage error
  3    environment: Docker or kind missing, host port taken, cluster unreachable, --recreate needed
  130  interrupted: run \`kindling up\` again to finish
`;

export function parseDuration(value: string | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) throw new UsageError(`expected a duration such as 90s or 5m, got "${value}"`, "up");
  const n = Number(m[1]);
  const unit = m[2] ?? "s";
  return Math.round(n * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[unit as "ms" | "s" | "m" | "h"]);
}

export const upCommand: Command = {
  summary: "create the Kind cluster and apply the platform: ordered, concurrent, warm, honest readiness",
  interruptible: true,
  async run(argv, ctx = {}) {
    const signal = ctx.signal;
    const { values, positionals } = parse("up", argv, {
      ...CLUSTER_FLAGS,
      recreate: { type: "boolean" },
      "dry-run": { type: "boolean" },
      timeout: { type: "string" },
      "no-preload": { type: "boolean" },
      timings: { type: "boolean" },
      rerender: { type: "boolean" },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return EXIT.ok;
    }
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`, "up");
    const env = (values.env as string | undefined) ?? "local";
    const profile = values.profile as string | undefined;
    if (profile && !(PROFILES as readonly string[]).includes(profile)) {
      throw new UsageError(`unknown profile "${profile}"; profiles: ${PROFILES.join(", ")}`, "up");
    }
    const timeoutMs = parseDuration(values.timeout as string | undefined, 5 * 60_000);
    if (values.recreate && (values.kubeconfig || values.context)) {
      throw new UsageError(
        "--recreate re-creates the Kind cluster; a cluster named by --kubeconfig/--context is never deleted by kindling",
        "up",
      );
    }
    if (values["dry-run"]) return dryRun(env, profile, values);

    const json = Boolean(values.json);
    const say = json ? () => {} : info;
    const manifests = values.manifests as string | undefined;
    const config = values.config as string | undefined;
    const offline = Boolean(values.offline);
    const root = dirname(resolve(config ?? DEFAULT_CONFIG_FILE));
    const render = async () => {
      if (manifests) return manifests;
      const { dir, reused } = await renderUnlessCurrent(
        { root, env, profile, offline, config, force: Boolean(values.rerender) },
        async () => (await build({ config, envs: [env], profile, write: true, offline, warn })).written[0] as string,
      );
      if (reused) say(dim(`  render: no input changed since the last build, reusing ${relative(process.cwd(), dir) || dir}`));
      return dir;
    };
    const target = targetOf(values, (l) => say(dim(`    kind: ${l}`)));

    // What runs when Ctrl-C/SIGTERM arrives: named in the "interrupted" message.
    const running = new Set<string>();
    let interruptedDuring: string[] = [];
    signal?.addEventListener("abort", () => {
      interruptedDuring = [...running];
    });
    const events = progressEvents(say, () => signal?.aborted ?? false);
    const interrupted = (): number => {
      const reason = signal?.reason as { signal?: string } | undefined;
      const what = interruptedDuring.length ? interruptedDuring.join(", ") : "render and connect";
      process.stderr.write(
        `${yellow("interrupted")} (${reason?.signal ?? "signal"}) while running ${what}; child processes stopped. ` +
          `Apps not finished are not recorded as done: run \`kindling up\` again to finish.\n`,
      );
      return EXIT.interrupted;
    };
    let report: UpReport;
    try {
      report = await up({
        env,
        target,
        render,
        secrets: (desired) =>
          bootstrapSecrets(desired.secrets ?? [], {
            root,
            env,
            requirements: async () => {
              const loaded = await loadConfig(config);
              return componentSecrets(resolveEnvironment(loaded.definition, env, { file: loaded.file, profile }));
            },
          }),
        recreate: Boolean(values.recreate),
        timeoutMs,
        preload: !values["no-preload"],
        log: (line) => say(dim(`    ${line}`)),
        events: {
          onStart: (step) => {
            running.add(step.name);
            events.onStart?.(step);
          },
          onEnd: (r) => {
            running.delete(r.name);
            events.onEnd?.(r);
          },
        },
        signal,
      });
    } catch (err) {
      if (signal?.aborted) return interrupted();
      throw err;
    }
    if (signal?.aborted) return interrupted();
    if (json) printJson(jsonReport(report));
    else printReport(report, Boolean(values.timings));
    if (report.errors.length === 0) return EXIT.ok;
    const envError = report.errors.find((e) => e.error instanceof ClusterError);
    if (envError) {
      const e = envError.error as ClusterError;
      process.stderr.write(`${red("error:")} ${e.message}${e.hint ? `\n  fix: ${e.hint}` : ""}\n`);
      return EXIT.environment;
    }
    for (const { step, error } of report.errors) {
      const known = error instanceof ObjectRejectedError || error instanceof NotReadyError;
      process.stderr.write(`${red("error:")} ${known ? (error as Error).message : `${step}: ${(error as Error)?.stack ?? error}`}\n`);
    }
    return EXIT.invalid;
  },
};

/**
 * One line per step that did something. A step still running after a second
 * gets a "▸ step …" line, so long work (kind create, readiness waits) shows
 * it is alive without flooding a warm run with lines.
 */
function progressEvents(say: (line: string) => void, aborted: () => boolean = () => false): PlanEvents {
  const timers = new Map<string, NodeJS.Timeout>();
  return {
    onStart: (step) => {
      timers.set(
        step.name,
        setTimeout(() => say(dim(`  ▸ ${step.name} …`)), 1_000),
      );
    },
    onEnd: (r) => {
      clearTimeout(timers.get(r.name));
      if (r.status === "done") say(`  ${green("✓")} ${r.name} ${dim(`${fmtMs(r.endMs - r.startMs)}${r.note ? `  ${r.note}` : ""}`)}`);
      else if (r.status === "failed" && !aborted()) {
        const message = String((r.error as Error)?.message ?? r.error);
        say(`  ${red("✗")} ${r.name}: ${message.includes("\n") ? "(details below)" : message}`);
      }
    },
  };
}

function fmtMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(0)}s` : ms >= 1000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms)}ms`;
}

function jsonReport(r: UpReport) {
  return {
    ...r,
    steps: r.steps.map((s) => ({
      ...s,
      durationMs: s.endMs - s.startMs,
      error: s.error ? String((s.error as Error).message ?? s.error) : undefined,
    })),
    errors: r.errors.map((e) => ({ step: e.step, message: String((e.error as Error)?.message ?? e.error) })),
  };
}

function printReport(r: UpReport, timings: boolean): void {
  for (const w of r.warnings) warn(w);
  // Failed before any app was tried (no Docker, cluster unreachable…): the error says it all.
  const attempted = r.apps.some((a) => a.status !== "blocked");
  if (!attempted && r.errors.length) return;
  if (r.upToDate) {
    info(
      `${green("✓")} ${bold(r.env)} is up to date: ${r.apps.length} app(s) unchanged ${dim(`(${r.requests} request(s), ${fmtMs(r.totalMs)})`)}`,
    );
  } else if (attempted) {
    const rows = [["app", "change", "result", "objects", "pruned", "time"].map(dim)];
    for (const a of r.apps) {
      const mark =
        a.status === "applied"
          ? green(a.status)
          : a.status === "failed"
            ? red(a.status)
            : a.status === "unchanged"
              ? dim(a.status)
              : yellow(a.status);
      rows.push([a.name, a.change, mark, String(a.objects), String(a.pruned.length), a.ms !== undefined ? fmtMs(a.ms) : "-"]);
    }
    info(`\n${table(rows)}`);
  }
  if (r.endpoints.length) {
    const rows = [["endpoint", "url", "login"].map(dim)];
    for (const e of r.endpoints) rows.push([e.name, e.published ? e.url : dim(`${e.url} (not published)`), e.credentials ?? "-"]);
    info(`\n${table(rows)}`);
  }
  if (!r.upToDate || timings)
    info(`\n${timingTable(r.steps, r.criticalPath)}\n${dim("critical path:")} ${shownPath(r).join(" → ")} ${dim(`(${fmtMs(r.totalMs)})`)}`);
  if (r.errors.length === 0 && !r.upToDate) info(`${green("✓")} ${bold(r.env)} is up and ready in ${fmtMs(r.totalMs)}`);
}

/** The critical path without the steps that were skipped (0 ms, nothing to see). */
function shownPath(r: UpReport): string[] {
  const skipped = new Set(r.steps.filter((s) => s.status === "skipped").map((s) => s.name));
  return r.criticalPath.filter((n) => !skipped.has(n));
}

export function timingTable(steps: StepResult[], critical: string[]): string {
  const onPath = new Set(critical);
  const rows = [["step", "status", "start", "duration", "", "note"].map(dim)];
  for (const s of [...steps].sort((a, b) => a.startMs - b.startMs)) {
    const status = s.status === "done" ? "done" : s.status === "failed" ? red("failed") : dim(s.status);
    rows.push([s.name, status, fmtMs(s.startMs), fmtMs(s.endMs - s.startMs), onPath.has(s.name) ? "*" : "", dim(s.note ?? "")]);
  }
  return table(rows);
}

/** "crds, cni, app:a, app:b, …" with long app lists cut: the table must fit a terminal. */
function compactDeps(deps: string[]): string {
  if (deps.length === 0) return "-";
  const apps = deps.filter((d) => d.startsWith("app:"));
  const other = deps.filter((d) => !d.startsWith("app:"));
  const shown = apps.length > 4 ? [...apps.slice(0, 3), `… ${apps.length - 3} more apps`] : apps;
  return [...other, ...shown].join(", ");
}

/** --dry-run: the plan of this environment, and a cold-start estimate for every profile. */
async function dryRun(env: string, profile: string | undefined, values: Record<string, unknown>): Promise<number> {
  const render = async (p: string | undefined) => {
    const started = performance.now();
    const desired = await renderDesired("up", {
      config: values.config as string | undefined,
      env,
      profile: p,
      offline: Boolean(values.offline),
    });
    return { desired, ms: performance.now() - started };
  };
  // The plan of what `up` would run here (the environment's own profile unless --profile), then every profile's estimate.
  const own = await render(profile);
  const plan = upPlan(own.desired.apps);
  const estimates = [];
  for (const p of profile ? [profile] : PROFILES) {
    try {
      const { desired, ms } = p === own.desired.profile ? own : await render(p);
      estimates.push({ ...estimateColdUp(p, desired.apps, imagesOf(desired).length, ms), apps: desired.apps.length });
    } catch (err) {
      estimates.push({ profile: p, error: (err as Error).message.split("\n")[0] });
    }
  }
  if (values.json) {
    printJson({ env, plan, estimates });
    return EXIT.ok;
  }
  info(bold(`kindling up --env ${env}: plan (profile ${own.desired.profile}, ${own.desired.apps.length} apps)`));
  info(table([["step", "needs", "does"].map(dim), ...plan.map((s) => [s.name, compactDeps(s.deps), dim(s.describe)])]));
  info(
    `\n${bold("cold start, critical-path estimate per profile")} ${dim("(assumptions in src/cluster/estimates.ts; Docker image cache warm)")}`,
  );
  for (const e of estimates) {
    if ("error" in e) {
      info(`  ${e.profile.padEnd(9)} ${red("cannot render")}: ${e.error}`);
      continue;
    }
    info(`  ${e.profile.padEnd(9)} ~${fmtMs(e.totalMs)}  ${dim(e.criticalPath.map((c) => `${c.step} ${fmtMs(c.ms)}`).join(" → "))}`);
  }
  info(dim(`\nmanifests would be read from ${relative(process.cwd(), "manifests-result") || "."}/${env}/`));
  return EXIT.ok;
}
