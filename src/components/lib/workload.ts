import * as s from "../../config/schema.ts";

/**
 * Shared building blocks for the workloads kindling writes itself, so every
 * one of them is secure and sized the same way by default.
 */

export interface Resources {
  /** CPU the scheduler reserves, e.g. "100m". */
  cpuRequest: string;
  /** Memory the scheduler reserves, e.g. "128Mi". */
  memoryRequest: string;
  /** CPU ceiling, e.g. "500m". */
  cpuLimit: string;
  /** Memory ceiling; the container is killed above it, e.g. "256Mi". */
  memoryLimit: string;
}

export const resourcesSchema = s.object({
  cpuRequest: s.quantity({ doc: "CPU the scheduler reserves" }),
  memoryRequest: s.quantity({ doc: "memory the scheduler reserves" }),
  cpuLimit: s.quantity({ doc: "CPU ceiling" }),
  memoryLimit: s.quantity({ doc: "memory ceiling" }),
});

export function resources(r: Resources) {
  return {
    requests: { cpu: r.cpuRequest, memory: r.memoryRequest },
    limits: { cpu: r.cpuLimit, memory: r.memoryLimit },
  };
}

/** Pod-level defaults: never root, the runtime's default seccomp profile. */
export function restrictedPodSecurity(uid: number, gid = uid) {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    fsGroup: gid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Container-level defaults: read-only root filesystem, no capabilities, no privilege escalation. */
export function restrictedContainerSecurity() {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** The standard recommended labels, so tools and selectors agree. */
export function appLabels(name: string, component?: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": name,
    ...(component ? { "app.kubernetes.io/component": component } : {}),
  };
}

/** A container sized by `r` with the restricted defaults, applied last so `container` (the rest) cannot loosen them. */
export function restrictedContainer(r: Resources, container: Record<string, unknown>): Record<string, unknown> {
  return { ...container, resources: resources(r), securityContext: restrictedContainerSecurity() };
}

/**
 * A pod spec with the defaults every kindling pod shares: restricted
 * security as `uid`, and no service account token, because none of these
 * programs talks to the Kubernetes API. `spec` adds the rest.
 */
export function restrictedPodSpec(uid: number, spec: Record<string, unknown>): Record<string, unknown> {
  return { securityContext: restrictedPodSecurity(uid), automountServiceAccountToken: false, ...spec };
}

/** A pod template; `annotations` only when given, so templates without them stay as they were. */
export function podTemplate(labels: Record<string, string>, spec: Record<string, unknown>, annotations?: Record<string, string>) {
  return { metadata: { labels, ...(annotations ? { annotations } : {}) }, spec };
}

/** An environment variable read from one key of a Secret, so the value never appears in a manifest. */
export function secretEnv(name: string, secret: string, key: string) {
  return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}
