import type { ProfileName } from "../components/types.ts";
import { PROFILE_SHAPES } from "../kind/profiles.ts";
import type { DesiredApp } from "./manifests.ts";
import { estimate } from "./plan.ts";
import { appStep, CNI_APPS, upPlan } from "./up-plan.ts";

/**
 * Rough durations of a cold `up` on a laptop-class machine with Docker's
 * image cache warm (images pulled once before). They are assumptions, stated
 * here so they can be corrected from real timing tables (`kindling up`
 * prints one after every run), not measurements of this repository's CI,
 * which has no Docker. Milliseconds.
 */
export const STEP_ESTIMATES_MS = {
  render: 2_000,
  connect: 100,
  preflight: 1_500,
  /** kind create cluster --wait 0s: the control plane, plus joining workers (in parallel, but each costs some). */
  clusterCreateBase: 22_000,
  clusterCreatePerWorker: 6_000,
  imagesPullPerImage: 300,
  imagesLoadPerImage: 2_500,
  apiReady: 2_000,
  crdsBase: 1_500,
  /** Nodes Ready once kindnetd runs (it ships with the node image). */
  cniKindnetd: 8_000,
  /** Nodes Ready once the Cilium agent runs, after the cilium app is applied. */
  cniCilium: 5_000,
  /** Per app: applying and waiting; the slowest workload kind of the app decides. */
  appBase: 800,
  workload: { Deployment: 12_000, StatefulSet: 20_000, DaemonSet: 15_000, Job: 15_000 } as Record<string, number>,
  recordState: 100,
};

function appEstimate(app: Pick<DesiredApp, "objects">): number {
  const slowest = Math.max(0, ...app.objects.map((o) => STEP_ESTIMATES_MS.workload[o.kind] ?? 0));
  return STEP_ESTIMATES_MS.appBase + slowest;
}

export interface ProfileEstimate {
  profile: string;
  totalMs: number;
  criticalPath: { step: string; ms: number }[];
}

/** Critical-path estimate of a cold `up` for one profile's rendered apps. */
export function estimateColdUp(
  profile: string,
  apps: Pick<DesiredApp, "name" | "dependsOn" | "objects">[],
  images: number,
  renderMs?: number,
): ProfileEstimate {
  const shape = PROFILE_SHAPES[profile as ProfileName];
  const e = STEP_ESTIMATES_MS;
  const durations: Record<string, number> = {
    render: renderMs ?? e.render,
    connect: e.connect,
    "warm-check": 0,
    preflight: e.preflight,
    "cluster-delete": 0,
    "cluster-create": e.clusterCreateBase + (shape?.workers ?? 0) * e.clusterCreatePerWorker,
    "images-pull": images * e.imagesPullPerImage,
    "images-load": images * e.imagesLoadPerImage,
    "api-ready": e.apiReady,
    crds: apps.some((a) => a.objects.some((o) => o.class === "crd")) ? e.crdsBase : 0,
    cni: shape?.cni === "cilium" ? e.cniCilium : e.cniKindnetd,
    "prune-removed": 0,
    "record-state": e.recordState,
  };
  for (const a of apps) durations[appStep(a.name)] = appEstimate(a) + (CNI_APPS.has(a.name) ? 10_000 : 0);
  const steps = upPlan(apps);
  const result = estimate(steps, (name) => durations[name] ?? 0);
  return {
    profile,
    totalMs: result.totalMs,
    criticalPath: result.criticalPath.map((step) => ({ step, ms: durations[step] ?? 0 })),
  };
}
