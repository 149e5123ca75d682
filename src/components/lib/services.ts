import type { KubeObject } from "../../model/k8s.ts";

/**
 * The Services kindling writes itself. Every port targets the container port
 * of the same name, so a container can change its number without the Service
 * following by hand.
 */

export interface ServicePort {
  name: string;
  port: number;
  targetPort: string;
  protocol?: "TCP" | "UDP";
  /** Lets a mesh or proxy treat the port as this protocol (e.g. gRPC as HTTP/2) instead of opaque TCP. */
  appProtocol?: string;
  nodePort?: number;
}

export function namedPort(name: string, port: number, extra: Pick<ServicePort, "protocol" | "appProtocol" | "nodePort"> = {}): ServicePort {
  return { name, port, targetPort: name, ...extra };
}

/** The container ports behind Service ports built with namedPort; a protocol given to the Service port is repeated here. */
export function containerPorts(ports: readonly ServicePort[]): { name: string; containerPort: number; protocol?: "TCP" | "UDP" }[] {
  return ports.map((p) => ({ name: p.name, containerPort: p.port, ...(p.protocol ? { protocol: p.protocol } : {}) }));
}

/** The name of a workload's headless Service; a StatefulSet's serviceName points at it. */
export const headlessName = (name: string) => `${name}-headless`;

/** One stable virtual IP in front of the ready pods that carry `labels`. */
export function clusterIPService(name: string, labels: Record<string, string>, ports: readonly ServicePort[]): KubeObject {
  return service(name, labels, { type: "ClusterIP" }, ports);
}

/** Reachable from the host too: Kind maps the node ports to localhost. */
export function nodePortService(name: string, labels: Record<string, string>, ports: readonly ServicePort[]): KubeObject {
  return service(name, labels, { type: "NodePort" }, ports);
}

/**
 * No virtual IP: DNS answers with every pod, so callers can address replicas
 * one by one (StatefulSet pod names, scraping each replica, peer discovery).
 */
export function headlessService(
  name: string,
  labels: Record<string, string>,
  ports: readonly ServicePort[],
  options: { publishNotReadyAddresses?: boolean } = {},
): KubeObject {
  return service(name, labels, { clusterIP: "None", ...options }, ports);
}

function service(name: string, labels: Record<string, string>, kind: object, ports: readonly ServicePort[]): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, labels },
    // Copies, so two Services built from one port list share no objects.
    spec: { ...kind, selector: labels, ports: ports.map((p) => ({ ...p })) },
  };
}
