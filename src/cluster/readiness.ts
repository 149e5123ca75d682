import { splitApiVersion } from "../model/k8s.ts";
import { FIELD_MANAGER } from "./applyset.ts";

/**
 * Whether a live object is ready, and in words why not. Pure functions over
 * the object as the API server returns it; the rules are those of `kubectl
 * rollout status` and `kubectl wait`, plus Argo CD's health. `failed` marks a
 * state that will not heal by waiting (a failed Job, a rollout past its
 * progress deadline), so the wait can stop early with the reason.
 */
export interface Readiness {
  ready: boolean;
  reason: string;
  failed?: boolean;
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

type Live = {
  apiVersion?: string;
  kind?: string;
  metadata?: { generation?: number; name?: string; managedFields?: { manager?: string; operation?: string; time?: string }[] };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
};

const READY: Readiness = { ready: true, reason: "ready" };

function conditions(obj: Live): Condition[] {
  return (obj.status?.conditions as Condition[] | undefined) ?? [];
}

function condition(obj: Live, type: string): Condition | undefined {
  return conditions(obj).find((c) => c.type === type);
}

function num(v: unknown): number {
  return typeof v === "number" ? v : 0;
}

/** The controller has not seen the latest spec yet: any status is stale. */
function staleGeneration(obj: Live): Readiness | undefined {
  const generation = obj.metadata?.generation;
  const observed = obj.status?.observedGeneration;
  if (generation !== undefined && (typeof observed !== "number" || observed < generation)) {
    return { ready: false, reason: `waiting for the controller to observe generation ${generation}` };
  }
  return undefined;
}

export function deploymentReadiness(obj: Live): Readiness {
  const stale = staleGeneration(obj);
  if (stale) return stale;
  const progressing = condition(obj, "Progressing");
  if (progressing?.reason === "ProgressDeadlineExceeded") {
    return { ready: false, failed: true, reason: `rollout exceeded its progress deadline: ${progressing.message ?? ""}`.trim() };
  }
  const want = typeof obj.spec?.replicas === "number" ? obj.spec.replicas : 1;
  const s = obj.status ?? {};
  const updated = num(s.updatedReplicas);
  if (updated < want) return { ready: false, reason: `${updated} of ${want} replicas updated` };
  if (num(s.replicas) > updated) return { ready: false, reason: `${num(s.replicas) - updated} old replica(s) pending termination` };
  if (num(s.availableReplicas) < updated)
    return { ready: false, reason: `${num(s.availableReplicas)} of ${updated} updated replicas available` };
  return READY;
}

export function statefulSetReadiness(obj: Live): Readiness {
  const stale = staleGeneration(obj);
  if (stale) return stale;
  const want = typeof obj.spec?.replicas === "number" ? obj.spec.replicas : 1;
  const s = obj.status ?? {};
  const strategy = obj.spec?.updateStrategy as { type?: string; rollingUpdate?: { partition?: number } } | undefined;
  if (num(s.readyReplicas) < want) return { ready: false, reason: `${num(s.readyReplicas)} of ${want} replicas ready` };
  if (strategy?.type === "OnDelete") return READY;
  const partition = strategy?.rollingUpdate?.partition ?? 0;
  if (partition > 0) {
    if (num(s.updatedReplicas) < want - partition) {
      return { ready: false, reason: `${num(s.updatedReplicas)} of ${want - partition} replicas updated (partition ${partition})` };
    }
    return READY;
  }
  if (num(s.updatedReplicas) < want) return { ready: false, reason: `${num(s.updatedReplicas)} of ${want} replicas updated` };
  if (s.updateRevision && s.currentRevision !== s.updateRevision) {
    return { ready: false, reason: `rolling out revision ${s.updateRevision} (current ${s.currentRevision})` };
  }
  return READY;
}

export function daemonSetReadiness(obj: Live): Readiness {
  const stale = staleGeneration(obj);
  if (stale) return stale;
  const s = obj.status ?? {};
  const desired = num(s.desiredNumberScheduled);
  // OnDelete: old pods are replaced only when someone deletes them; available is all a rollout can promise.
  const onDelete = (obj.spec?.updateStrategy as { type?: string } | undefined)?.type === "OnDelete";
  if (!onDelete && num(s.updatedNumberScheduled) < desired) {
    return { ready: false, reason: `${num(s.updatedNumberScheduled)} of ${desired} pods updated` };
  }
  if (num(s.numberAvailable) < desired) return { ready: false, reason: `${num(s.numberAvailable)} of ${desired} pods available` };
  return READY;
}

export function jobReadiness(obj: Live): Readiness {
  const failed = condition(obj, "Failed");
  if (failed?.status === "True")
    return { ready: false, failed: true, reason: `job failed: ${failed.reason ?? ""} ${failed.message ?? ""}`.trim() };
  if (condition(obj, "Complete")?.status === "True") return READY;
  const s = obj.status ?? {};
  return { ready: false, reason: `not complete: ${num(s.active)} active, ${num(s.succeeded)} succeeded, ${num(s.failed)} failed` };
}

export function crdReadiness(obj: Live): Readiness {
  const established = condition(obj, "Established");
  if (established?.status === "True") return READY;
  const conflict = condition(obj, "NamesAccepted");
  if (conflict?.status === "False")
    return { ready: false, failed: true, reason: `names not accepted: ${conflict.message ?? conflict.reason}` };
  return { ready: false, reason: "not Established yet" };
}

export function podReadiness(obj: Live): Readiness {
  const phase = obj.status?.phase;
  if (phase === "Succeeded") return READY;
  if (phase === "Failed") return { ready: false, failed: true, reason: `pod failed: ${obj.status?.reason ?? ""}`.trim() };
  if (condition(obj, "Ready")?.status === "True") return READY;
  return { ready: false, reason: `pod ${phase ?? "Pending"}, not Ready` };
}

/**
 * Argo CD's own verdict: health.status Healthy (and, once synced, nothing
 * OutOfSync) — but only a verdict given after kindling's last change. Argo CD
 * has no observedGeneration; it stamps status.reconciledAt on every
 * reconciliation. The time of kindling's own apply is in the object itself:
 * its managedFields entry (manager kindling, operation Apply), which the API
 * server re-stamps only when the apply changed a field. So a re-applied
 * Application counts as ready only once reconciledAt is at or after that
 * time; an apply that changed nothing leaves the stamp, and the earlier
 * verdict stands. Both are whole seconds from the same host clock on Kind.
 */
export function argoApplicationReadiness(obj: Live): Readiness {
  const health = (obj.status?.health as { status?: string; message?: string } | undefined)?.status;
  const sync = (obj.status?.sync as { status?: string } | undefined)?.status;
  const applied = obj.metadata?.managedFields?.find((f) => f.manager === FIELD_MANAGER && f.operation === "Apply")?.time;
  const reconciledAt = obj.status?.reconciledAt;
  if (applied && !(typeof reconciledAt === "string" && Date.parse(reconciledAt) >= Date.parse(applied))) {
    return {
      ready: false,
      reason: `Argo CD has not reconciled it since kindling applied it at ${applied} (reconciledAt ${typeof reconciledAt === "string" ? reconciledAt : "never"}; health ${health ?? "unknown"})`,
    };
  }
  if (health === "Healthy" && sync !== "OutOfSync") return READY;
  if (health === "Degraded") return { ready: false, reason: `Argo CD reports Degraded (sync ${sync ?? "unknown"})` };
  return { ready: false, reason: `Argo CD health ${health ?? "unknown"}, sync ${sync ?? "unknown"}` };
}

/** A node is Ready once its kubelet reports so, which on Kind needs a working CNI. */
export function nodeReadiness(obj: Live): Readiness {
  const ready = condition(obj, "Ready");
  if (ready?.status === "True") return READY;
  return { ready: false, reason: `node not Ready${ready?.reason ? ` (${ready.reason}${ready.message ? `: ${ready.message}` : ""})` : ""}` };
}

export function namespaceReadiness(obj: Live): Readiness {
  const phase = obj.status?.phase;
  if (phase === "Active" || phase === undefined) return READY;
  return { ready: false, reason: `namespace is ${phase}` };
}

export function apiServiceReadiness(obj: Live): Readiness {
  const available = condition(obj, "Available");
  if (available?.status === "True") return READY;
  return { ready: false, reason: `APIService not Available: ${available?.message ?? "no status yet"}` };
}

type Rule = (obj: Live) => Readiness;

const RULES: Record<string, Rule> = {
  "apps/Deployment": deploymentReadiness,
  "apps/StatefulSet": statefulSetReadiness,
  "apps/DaemonSet": daemonSetReadiness,
  "batch/Job": jobReadiness,
  "apiextensions.k8s.io/CustomResourceDefinition": crdReadiness,
  "/Pod": podReadiness,
  "/Namespace": namespaceReadiness,
  "/Node": nodeReadiness,
  "argoproj.io/Application": argoApplicationReadiness,
  "apiregistration.k8s.io/APIService": apiServiceReadiness,
};

/** True when kindling waits for objects of this kind; everything else is ready once it exists. */
export function hasReadinessRule(apiVersion: string, kind: string): boolean {
  return `${splitApiVersion(apiVersion).group}/${kind}` in RULES;
}

export function readinessOf(obj: Live & { apiVersion: string; kind: string }): Readiness {
  const rule = RULES[`${splitApiVersion(obj.apiVersion).group}/${obj.kind}`];
  return rule ? rule(obj) : READY;
}
