import type { KubeClient } from "./client.ts";

interface Pod {
  metadata: { name: string };
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
}

interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string; message?: string };
    terminated?: { reason?: string; exitCode?: number; message?: string };
  };
}

interface KubeEvent {
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  lastTimestamp?: string;
  eventTime?: string;
  metadata?: { creationTimestamp?: string };
  involvedObject?: { kind?: string; name?: string };
}

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"]);

/**
 * Why is this object not ready? Lines for a human: the pods behind a
 * workload (phase, waiting reasons such as ImagePullBackOff, scheduling
 * failures) and the last events of the object and its pods. Best effort:
 * an explanation must never turn a timeout into a different error.
 */
export async function explainNotReady(
  client: KubeClient,
  live: { kind: string; metadata: { name: string; namespace?: string }; spec?: Record<string, unknown> },
): Promise<string[]> {
  try {
    const lines: string[] = [];
    const ns = live.metadata.namespace;
    const eventNames = [live.metadata.name];
    if (ns && WORKLOAD_KINDS.has(live.kind)) {
      const selector = matchLabels(live.spec?.selector);
      if (selector) {
        const pods = await client.get<{ items: Pod[] }>(`/api/v1/namespaces/${ns}/pods`, { labelSelector: selector, limit: 50 });
        if (pods.items.length === 0) lines.push("no pods exist for it yet");
        const notReady = pods.items.filter((p) => !isPodReady(p));
        for (const pod of notReady.slice(0, 3)) {
          lines.push(describePod(pod));
          eventNames.push(pod.metadata.name);
        }
        if (notReady.length > 3) lines.push(`… and ${notReady.length - 3} more pod(s) not ready`);
      }
    }
    const events = ns ? await recentEvents(client, ns, eventNames) : [];
    for (const e of events) {
      lines.push(
        `event ${e.involvedObject?.kind ?? ""}/${e.involvedObject?.name ?? ""}: ${e.type ?? ""} ${e.reason ?? ""}: ${e.message ?? ""}`,
      );
    }
    return lines;
  } catch (err) {
    return [`(could not look at pods and events: ${(err as Error).message})`];
  }
}

function matchLabels(selector: unknown): string | undefined {
  const labels = (selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels;
  if (!labels || Object.keys(labels).length === 0) return undefined;
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

function isPodReady(pod: Pod): boolean {
  return pod.status?.phase === "Succeeded" || pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;
}

export function describePod(pod: Pod): string {
  const s = pod.status ?? {};
  const parts = [`pod ${pod.metadata.name}: ${s.phase ?? "Pending"}`];
  const unscheduled = s.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False");
  if (unscheduled) parts.push(`not scheduled (${unscheduled.reason ?? ""}: ${unscheduled.message ?? ""})`);
  for (const c of [...(s.initContainerStatuses ?? []), ...(s.containerStatuses ?? [])]) {
    const waiting = c.state?.waiting;
    const terminated = c.state?.terminated;
    if (waiting?.reason) parts.push(`container ${c.name} waiting: ${waiting.reason}${waiting.message ? ` (${waiting.message})` : ""}`);
    else if (terminated && terminated.exitCode !== 0) {
      parts.push(`container ${c.name} terminated: ${terminated.reason ?? ""} exit ${terminated.exitCode}`);
    } else if (c.ready === false && (c.restartCount ?? 0) > 0) parts.push(`container ${c.name} restarted ${c.restartCount} time(s)`);
  }
  if (s.reason) parts.push(`${s.reason}${s.message ? `: ${s.message}` : ""}`);
  return parts.join("; ");
}

async function recentEvents(client: KubeClient, ns: string, names: string[]): Promise<KubeEvent[]> {
  const lists = await Promise.all(
    names.map((name) =>
      client.get<{ items: KubeEvent[] }>(`/api/v1/namespaces/${ns}/events`, { fieldSelector: `involvedObject.name=${name}`, limit: 20 }),
    ),
  );
  const when = (e: KubeEvent) => e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp ?? "";
  return lists
    .flatMap((l) => l.items)
    .sort((a, b) => (when(a) < when(b) ? -1 : 1))
    .slice(-5);
}
