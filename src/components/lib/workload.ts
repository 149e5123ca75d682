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
