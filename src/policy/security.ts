import type { KubeObject } from "../model/k8s.ts";
import { type PodTemplateRef, podTemplates } from "./pod-templates.ts";

/**
 * Secure and sized by default: what every container of every pod template
 * must have. The list follows the Pod Security "restricted" profile (which
 * the generated namespaces enforce, so a pod missing one of these would be
 * rejected at admission anyway) plus requests and limits, which keep one
 * runaway pod from starving a laptop-sized cluster.
 *
 * Pure: objects in, findings out. Exemptions are applied by ./security-gate.ts.
 */
export const SECURITY_RULES = {
  resources: "CPU and memory requests and limits on every container",
  runAsNonRoot: "runAsNonRoot: true (pod or container) and never runAsUser: 0",
  readOnlyRootFilesystem: "readOnlyRootFilesystem: true on every container",
  dropAllCapabilities: 'capabilities.drop contains "ALL"',
  addedCapabilities: "no added capabilities except NET_BIND_SERVICE",
  seccompRuntimeDefault: 'seccompProfile.type "RuntimeDefault" (or "Localhost"), pod or container',
  noPrivilegeEscalation: "allowPrivilegeEscalation: false",
  notPrivileged: "privileged is not true",
  noHostNamespaces: "hostNetwork, hostPID and hostIPC are not true",
  noHostPath: "no hostPath volumes",
} as const;

export type SecurityRule = keyof typeof SECURITY_RULES;

export interface SecurityFinding {
  rule: SecurityRule;
  kind: string;
  namespace?: string;
  name: string;
  /** Container name; absent for pod-level findings (host namespaces, hostPath). */
  container?: string;
  /** Field path inside the object, e.g. "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem". */
  path: string;
  message: string;
}

type Json = Record<string, unknown>;

const obj = (v: unknown): Json => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {});
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj) : []);

/** Every finding of every pod template in the objects, in object order. */
export function checkWorkloadSecurity(objects: readonly KubeObject[]): SecurityFinding[] {
  const out: SecurityFinding[] = [];
  for (const object of objects) {
    for (const template of podTemplates(object)) out.push(...checkPodTemplate(object, template));
  }
  return out;
}

function checkPodTemplate(object: KubeObject, { spec, path }: PodTemplateRef): SecurityFinding[] {
  const findings: SecurityFinding[] = [];
  const at = (rule: SecurityRule, fieldPath: string, message: string, container?: string) =>
    findings.push({
      rule,
      kind: object.kind,
      namespace: object.metadata.namespace,
      name: object.metadata.name,
      ...(container !== undefined ? { container } : {}),
      path: fieldPath,
      message,
    });

  const pod = obj(spec.securityContext);
  for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
    if (spec[field] === true) at("noHostNamespaces", `${path}.${field}`, `${field} is true`);
  }
  list(spec.volumes).forEach((volume, i) => {
    if (volume.hostPath !== undefined) at("noHostPath", `${path}.volumes[${i}]`, `volume ${String(volume.name)} is a hostPath`);
  });

  for (const group of ["initContainers", "containers"] as const) {
    list(spec[group]).forEach((container, i) => {
      const name = String(container.name ?? `#${i}`);
      const cpath = `${path}.${group}[${i}]`;
      const sc = obj(container.securityContext);
      const scPath = `${cpath}.securityContext`;
      const say = (rule: SecurityRule, field: string, message: string) => at(rule, field, `container ${name}: ${message}`, name);

      const missing = missingResources(obj(container.resources));
      if (missing.length > 0) say("resources", `${cpath}.resources`, `no ${missing.join(", ")}`);

      const runAsNonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
      const runAsUser = sc.runAsUser ?? pod.runAsUser;
      if (runAsUser === 0) say("runAsNonRoot", `${scPath}.runAsUser`, "runs as user 0 (root)");
      else if (runAsNonRoot !== true) say("runAsNonRoot", `${scPath}.runAsNonRoot`, "runAsNonRoot is not true (pod or container)");

      if (sc.readOnlyRootFilesystem !== true)
        say("readOnlyRootFilesystem", `${scPath}.readOnlyRootFilesystem`, "root filesystem is writable");

      const caps = obj(sc.capabilities);
      const drop = Array.isArray(caps.drop) ? caps.drop.map(String) : [];
      if (!drop.includes("ALL")) say("dropAllCapabilities", `${scPath}.capabilities.drop`, 'capabilities.drop does not contain "ALL"');
      const added = (Array.isArray(caps.add) ? caps.add.map(String) : []).filter((c) => c !== "NET_BIND_SERVICE");
      if (added.length > 0) say("addedCapabilities", `${scPath}.capabilities.add`, `adds capabilities ${added.join(", ")}`);

      const seccomp = obj(sc.seccompProfile).type ?? obj(pod.seccompProfile).type;
      if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") {
        say(
          "seccompRuntimeDefault",
          `${scPath}.seccompProfile`,
          `seccomp profile is ${seccomp === undefined ? "not set" : String(seccomp)}`,
        );
      }
      if (sc.allowPrivilegeEscalation !== false) {
        say("noPrivilegeEscalation", `${scPath}.allowPrivilegeEscalation`, "allowPrivilegeEscalation is not false");
      }
      if (sc.privileged === true) say("notPrivileged", `${scPath}.privileged`, "runs privileged");
    });
  }
  return findings;
}

function missingResources(resources: Json): string[] {
  const requests = obj(resources.requests);
  const limits = obj(resources.limits);
  const missing: string[] = [];
  for (const r of ["cpu", "memory"]) if (requests[r] === undefined) missing.push(`${r} request`);
  for (const r of ["cpu", "memory"]) if (limits[r] === undefined) missing.push(`${r} limit`);
  return missing;
}
