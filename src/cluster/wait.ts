import { setTimeout as sleep } from "node:timers/promises";
import type { KubeClient } from "./client.ts";
import { FailedError, NotReadyError } from "./errors.ts";
import { explainNotReady } from "./explain.ts";
import { mapLimit } from "./limit.ts";
import { hasReadinessRule, type Readiness, readinessOf } from "./readiness.ts";

export interface WaitTarget {
  /** "Deployment edge/traefik" */
  describe: string;
  /** REST path of the object. */
  path: string;
  apiVersion: string;
  kind: string;
}

export interface WaitOptions {
  app: string;
  timeoutMs: number;
  /** Called when the set of objects still waited for changes. */
  onPending?: (pending: { describe: string; reason: string }[]) => void;
  signal?: AbortSignal;
}

/** Only kinds with a rule need a wait; the rest are ready once applied. */
export function needsWait(apiVersion: string, kind: string): boolean {
  return hasReadinessRule(apiVersion, kind);
}

/**
 * Polls until every target is ready. Polling (not watches) on purpose: a
 * watch must be re-established after every API server restart, and a handful
 * of GETs per second is nothing for an API server. The interval grows from
 * 100 ms to 1 s, so quick objects are seen quickly and slow ones cost little.
 * Stops early on a state that will not heal (failed Job); on timeout it names
 * the object that is not ready and explains why (pods, events).
 */
export async function waitReady(client: KubeClient, targets: WaitTarget[], opts: WaitOptions): Promise<void> {
  let pending = targets.filter((t) => needsWait(t.apiVersion, t.kind));
  const deadline = Date.now() + opts.timeoutMs;
  const last = new Map<string, { readiness: Readiness; live: unknown }>();
  let interval = 100;
  let previousReport = "";
  while (pending.length > 0) {
    opts.signal?.throwIfAborted();
    const checked = await mapLimit(pending, 8, async (t) => {
      const live = await client.getOptional<Record<string, unknown> & { apiVersion: string; kind: string }>(t.path);
      const readiness: Readiness = live ? readinessOf(live) : { ready: false, reason: "does not exist" };
      last.set(t.path, { readiness, live });
      return { t, readiness, live };
    });
    const failed = checked.find((c) => c.readiness.failed);
    if (failed) {
      const details = failed.live ? await explainNotReady(client, failed.live as never) : [];
      throw new FailedError(opts.app, failed.t.describe, failed.readiness.reason, details, opts.timeoutMs);
    }
    pending = checked.filter((c) => !c.readiness.ready).map((c) => c.t);
    const report = pending.map((t) => `${t.describe}:${last.get(t.path)?.readiness.reason}`).join("|");
    if (report !== previousReport) {
      previousReport = report;
      opts.onPending?.(pending.map((t) => ({ describe: t.describe, reason: last.get(t.path)?.readiness.reason ?? "" })));
    }
    if (pending.length === 0) return;
    if (Date.now() >= deadline) {
      const first = pending[0] as WaitTarget;
      const state = last.get(first.path);
      const details = state?.live ? await explainNotReady(client, state.live as never) : [];
      if (pending.length > 1)
        details.push(
          `also not ready: ${pending
            .slice(1, 6)
            .map((t) => t.describe)
            .join(", ")}${pending.length > 6 ? ", …" : ""}`,
        );
      throw new NotReadyError(opts.app, first.describe, state?.readiness.reason ?? "unknown", details, opts.timeoutMs);
    }
    await sleep(Math.min(interval, Math.max(0, deadline - Date.now())), undefined, { signal: opts.signal });
    interval = Math.min(1_000, interval * 1.5);
  }
}
