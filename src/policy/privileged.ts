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
 * "hostNetwork" still has to set requests and limits. `containers` narrows
 * it further to the containers that need it.
 */
export interface PrivilegedWorkload {
  namespace: string;
  kind: string;
  /** Exact name, or a pattern when the chart derives the name from the release. */
  name: string | RegExp;
  /**
   * Only these containers (init or regular) of the workload. When absent the
   * entry covers the whole pod, including the pod-level rules (host
   * namespaces, hostPath volumes), which only such entries cover.
   */
  containers?: string[];
  /** Rule names from SECURITY_RULES this workload is exempt from. */
  privileges: string[];
  /** Why it needs them, in one line; shown next to every exempted finding. */
  reason: string;
}

/**
 * Each entry names only what the workload cannot do without. What its chart
 * merely leaves unset and offers no value for (a read-only root filesystem,
 * a per-container seccomp profile) is a chart gap, not a need: those are in
 * ./chart-exceptions.ts with the template that hard-codes them.
 * Names and namespaces are those the components render by default
 * (cilium: kube-system; istio: istio-system).
 */
export const PRIVILEGED_WORKLOADS: PrivilegedWorkload[] = [
  // --- Cilium agent (DaemonSet cilium, chart 1.18.3), the CNI ---
  {
    namespace: "kube-system",
    kind: "DaemonSet",
    name: "cilium",
    privileges: ["noHostNamespaces", "noHostPath"],
    reason:
      "Cilium agent pod: host network to program eBPF on the node's interfaces; hostPath for bpffs, the cgroup2 root, /proc, " +
      "/var/run/cilium, /var/run/netns, /lib/modules, the xtables lock and the CNI dirs /opt/cni/bin and /etc/cni/net.d",
  },
  {
    namespace: "kube-system",
    kind: "DaemonSet",
    name: "cilium",
    containers: ["cilium-agent"],
    privileges: ["runAsNonRoot", "addedCapabilities", "noPrivilegeEscalation", "seccompRuntimeDefault"],
    reason:
      "cilium-agent: root with the chart's capabilities.ciliumAgent (NET_ADMIN, NET_RAW, SYS_ADMIN, SYS_MODULE, SYS_RESOURCE, " +
      "IPC_LOCK, …) instead of privileged; SYS_ADMIN forces allowPrivilegeEscalation; seccomp Unconfined because RuntimeDefault " +
      "blocks the bpf() calls the agent is made of (the chart's own default podSecurityContext; cilium/cilium#39289, #40476)",
  },
  {
    namespace: "kube-system",
    kind: "DaemonSet",
    name: "cilium",
    containers: ["mount-cgroup", "apply-sysctl-overwrites"],
    privileges: ["runAsNonRoot", "addedCapabilities", "noPrivilegeEscalation"],
    reason:
      "mount-cgroup / apply-sysctl-overwrites: nsenter into the host's mount (and cgroup) namespace to mount cgroup2 and write " +
      "Cilium's sysctl overrides: root with SYS_ADMIN, SYS_CHROOT, SYS_PTRACE; SYS_ADMIN forces allowPrivilegeEscalation",
  },
  {
    namespace: "kube-system",
    kind: "DaemonSet",
    name: "cilium",
    containers: ["clean-cilium-state"],
    privileges: ["runAsNonRoot", "addedCapabilities", "noPrivilegeEscalation"],
    reason:
      "clean-cilium-state: removes stale BPF maps and state from the host's bpffs and /var/run/cilium before the agent starts: " +
      "root with NET_ADMIN, SYS_MODULE, SYS_ADMIN, SYS_RESOURCE; SYS_ADMIN forces allowPrivilegeEscalation",
  },
  {
    namespace: "kube-system",
    kind: "DaemonSet",
    name: "cilium",
    containers: ["mount-bpf-fs"],
    privileges: ["notPrivileged", "runAsNonRoot", "noPrivilegeEscalation", "dropAllCapabilities", "seccompRuntimeDefault"],
    reason:
      "mount-bpf-fs: mounts bpffs on the host with Bidirectional mount propagation, which Kubernetes allows only in privileged " +
      "containers; privileged means root, every capability and no seccomp filter",
  },
  {
    namespace: "kube-system",
    kind: "DaemonSet",
    name: "cilium",
    containers: ["install-cni-binaries"],
    privileges: ["runAsNonRoot"],
    reason:
      "install-cni-binaries: copies the Cilium CNI plugin into the host's /opt/cni/bin, which is root-owned; with every " +
      "capability dropped only uid 0 may write there",
  },
  // --- Cilium operator ---
  {
    namespace: "kube-system",
    kind: "Deployment",
    name: "cilium-operator",
    privileges: ["noHostNamespaces"],
    reason:
      "Cilium operator: host network only. It registers the CRDs the agents wait for, so it must start before any pod network " +
      "exists; in the pod network it would wait for the CNI it is needed to bring up",
  },
  // --- Istio ambient (charts 1.30.3): one container each ---
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
