/**
 * The one place that lists workloads which truly need more than the
 * restricted defaults (node-level networking: the CNI agent, the mesh's CNI
 * node agent, the ambient mesh's per-node proxy). Everything else runs as
 * non-root, read-only, without capabilities and with the RuntimeDefault
 * seccomp profile; src/policy/security.ts enforces that and reads its
 * exemptions from here.
 *
 * `privileges` names the rules of src/policy/security.ts the workload is
 * exempt from (see SECURITY_RULES there; a unit test rejects unknown names),
 * so an exemption is as narrow as the need: a workload listed for
 * "hostNetwork" still has to set requests and limits.
 */
export interface PrivilegedWorkload {
  namespace: string;
  kind: string;
  /** Exact name, or a pattern when the chart derives the name from the release. */
  name: string | RegExp;
  /** Rule names from SECURITY_RULES this workload is exempt from. */
  privileges: string[];
  /** Why it needs them; shown next to every exempted finding. */
  reason: string;
}

/**
 * Each entry names only what the workload cannot do without; whatever else
 * its chart leaves unset (a seccomp profile, a read-only root filesystem) is
 * a chart gap, not a need, and is reported by the security gate as such.
 * Names and namespaces are those the components render by default
 * (cilium: kube-system; istio: istio-system).
 */
export const PRIVILEGED_WORKLOADS: PrivilegedWorkload[] = [
  {
    namespace: "kube-system",
    kind: "DaemonSet",
    name: "cilium",
    privileges: ["noHostNamespaces", "noHostPath", "addedCapabilities", "notPrivileged", "runAsNonRoot", "noPrivilegeEscalation"],
    reason:
      "Cilium agent (the CNI): runs in the node's network namespace to program eBPF on host interfaces; mounts bpffs and cgroup2 " +
      "on the host (the mount-bpf-fs init container must be privileged for bidirectional mount propagation); writes the CNI " +
      "binary and config into /opt/cni/bin and /etc/cni/net.d; as root with NET_ADMIN, NET_RAW, SYS_ADMIN, SYS_MODULE, " +
      "SYS_RESOURCE, IPC_LOCK and the rest of the chart's securityContext.capabilities lists (1.18.3) rather than privileged: " +
      "true; adding SYS_ADMIN forces allowPrivilegeEscalation",
  },
  {
    namespace: "kube-system",
    kind: "Deployment",
    name: "cilium-operator",
    privileges: ["noHostNamespaces"],
    reason:
      "Cilium operator: host network only. It registers the CRDs the agents wait for, so it must start before any pod network " +
      "exists; in the pod network it would wait for the CNI it is needed to bring up",
  },
  {
    namespace: "istio-system",
    kind: "DaemonSet",
    name: "istio-cni-node",
    privileges: ["noHostPath", "addedCapabilities", "runAsNonRoot", "noPrivilegeEscalation"],
    reason:
      "Istio CNI node agent: chains its plugin into the node's CNI config (hostPath /opt/cni/bin, /etc/cni/net.d, netns dir) and, " +
      "for ambient, enters each enrolled pod's network namespace to set up traffic redirection to ztunnel (NET_ADMIN, NET_RAW, " +
      "SYS_ADMIN, SYS_PTRACE, DAC_OVERRIDE as root; SYS_ADMIN forces allowPrivilegeEscalation)",
  },
  {
    namespace: "istio-system",
    kind: "DaemonSet",
    name: "ztunnel",
    privileges: ["noHostPath", "addedCapabilities", "runAsNonRoot", "noPrivilegeEscalation"],
    reason:
      "ztunnel, ambient's per-node L4 proxy: opens listening sockets inside every enrolled pod's network namespace (setns needs " +
      "SYS_ADMIN; TPROXY needs NET_ADMIN and NET_RAW) and receives those namespaces from istio-cni over a hostPath socket " +
      "(/var/run/ztunnel); the chart runs it as uid 0 and SYS_ADMIN forces allowPrivilegeEscalation",
  },
];
