/**
 * A bootstrap is a graph of small named steps (Kind's create "actions", made
 * concurrent): each declares what it needs, and starts the moment that is
 * done. A failed step stops only the steps that need it; independent work
 * carries on, and every failure is reported at the end.
 */
export interface Step {
  name: string;
  /** Steps that must have finished (done or skipped) first. */
  deps: string[];
  /** One line for the plan listing. */
  describe: string;
  /** Returns a short note for the timing table; throw to fail; return { skipped } when there was nothing to do. */
  run(signal: AbortSignal): Promise<StepOutcome | undefined>;
}

export interface StepOutcome {
  skipped?: boolean;
  note?: string;
}

export type StepStatus = "done" | "skipped" | "failed" | "blocked";

export interface StepResult {
  name: string;
  deps: string[];
  status: StepStatus;
  /** Milliseconds since the plan started. */
  startMs: number;
  endMs: number;
  note?: string;
  error?: unknown;
}

export interface PlanEvents {
  onStart?: (step: Step) => void;
  onEnd?: (result: StepResult) => void;
}

export interface PlanResult {
  results: StepResult[];
  totalMs: number;
  errors: { step: string; error: unknown }[];
}

/** Throws on unknown dependencies and cycles, naming them: a wrong plan is a bug, found before anything runs. */
export function checkPlan(steps: Step[]): void {
  const names = new Set(steps.map((s) => s.name));
  if (names.size !== steps.length) throw new Error("bootstrap plan has two steps with the same name");
  for (const s of steps) for (const d of s.deps) if (!names.has(d)) throw new Error(`step ${s.name} depends on unknown step ${d}`);
  const state = new Map<string, "visiting" | "done">();
  const byName = new Map(steps.map((s) => [s.name, s]));
  const visit = (name: string, trail: string[]) => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") throw new Error(`bootstrap plan has a cycle: ${[...trail, name].join(" → ")}`);
    state.set(name, "visiting");
    for (const d of byName.get(name)?.deps ?? []) visit(d, [...trail, name]);
    state.set(name, "done");
  };
  for (const s of steps) visit(s.name, []);
}

export async function runPlan(steps: Step[], events: PlanEvents = {}, signal?: AbortSignal): Promise<PlanResult> {
  checkPlan(steps);
  const t0 = performance.now();
  const now = () => Math.round(performance.now() - t0);
  const results = new Map<string, StepResult>();
  const running = new Map<string, Promise<void>>();
  const controller = new AbortController();
  signal?.addEventListener("abort", () => controller.abort(signal.reason), { once: true });

  const finished = (name: string) => results.has(name);
  const satisfied = (name: string) => {
    const r = results.get(name);
    return r?.status === "done" || r?.status === "skipped";
  };

  await new Promise<void>((resolveAll) => {
    const schedule = () => {
      for (const step of steps) {
        if (finished(step.name) || running.has(step.name)) continue;
        const blockedBy = step.deps.find((d) => finished(d) && !satisfied(d));
        if (blockedBy) {
          const at = now();
          const result: StepResult = {
            name: step.name,
            deps: step.deps,
            status: "blocked",
            startMs: at,
            endMs: at,
            note: `needs ${blockedBy}`,
          };
          results.set(step.name, result);
          events.onEnd?.(result);
          continue;
        }
        if (!step.deps.every(satisfied)) continue;
        const startMs = now();
        events.onStart?.(step);
        const p = (async () => {
          let result: StepResult;
          try {
            controller.signal.throwIfAborted();
            const outcome = await step.run(controller.signal);
            result = {
              name: step.name,
              deps: step.deps,
              status: outcome?.skipped ? "skipped" : "done",
              startMs,
              endMs: now(),
              note: outcome?.note,
            };
          } catch (error) {
            result = { name: step.name, deps: step.deps, status: "failed", startMs, endMs: now(), error };
          }
          running.delete(step.name);
          results.set(step.name, result);
          events.onEnd?.(result);
          schedule();
        })();
        running.set(step.name, p);
      }
      // Blocked steps may unblock others' verdicts: loop until nothing changes.
      if (running.size === 0) {
        const pending = steps.filter((s) => !finished(s.name));
        if (pending.length === 0) resolveAll();
        else schedule();
      }
    };
    schedule();
  });

  const ordered = steps.map((s) => results.get(s.name) as StepResult);
  return {
    results: ordered,
    totalMs: now(),
    errors: ordered.filter((r) => r.status === "failed").map((r) => ({ step: r.name, error: r.error })),
  };
}

/**
 * The chain of steps that decided the total time: from the step that ended
 * last, walk back through the dependency that ended last. Shortening any
 * other step would not have made the run faster.
 */
export function criticalPath(results: { name: string; deps: string[]; startMs: number; endMs: number }[]): string[] {
  const byName = new Map(results.map((r) => [r.name, r]));
  let current = [...results].sort((a, b) => b.endMs - a.endMs)[0];
  const path: string[] = [];
  while (current) {
    path.unshift(current.name);
    const deps = current.deps.map((d) => byName.get(d)).filter((d): d is NonNullable<typeof d> => d !== undefined);
    current = deps.sort((a, b) => b.endMs - a.endMs)[0];
  }
  return path;
}

/** Earliest finish of each step given estimated durations, and the critical path: for `up --dry-run`. */
export function estimate(steps: { name: string; deps: string[] }[], durationMs: (name: string) => number) {
  checkPlan(steps.map((s) => ({ ...s, describe: "", run: async () => undefined })));
  const finish = new Map<string, number>();
  const byName = new Map(steps.map((s) => [s.name, s]));
  const finishOf = (name: string): number => {
    const known = finish.get(name);
    if (known !== undefined) return known;
    const step = byName.get(name) as { deps: string[] };
    const start = Math.max(0, ...step.deps.map(finishOf));
    const end = start + durationMs(name);
    finish.set(name, end);
    return end;
  };
  const timeline = steps.map((s) => ({
    name: s.name,
    deps: s.deps,
    endMs: finishOf(s.name),
    startMs: finishOf(s.name) - durationMs(s.name),
  }));
  return { totalMs: Math.max(0, ...timeline.map((t) => t.endMs)), criticalPath: criticalPath(timeline), timeline };
}
