import type { SecurityRule } from "./security.ts";

/**
 * Chart workloads that cannot meet a rule of ./security.ts because the chart
 * offers no value to set it (for example a hook Job whose securityContext is
 * hard-coded in the template). Each entry names the chart version whose
 * templates were read and the template that hard-codes the setting; a unit
 * test fails when a component pins another version, so every entry is read
 * again on a chart upgrade: when the new chart makes the setting possible,
 * set it in the component's values and delete the entry.
 *
 * Node-level networking that needs real privileges is not listed here but in
 * ./privileged.ts, which applies to every source.
 */
export interface ChartException {
  /** Chart name as declared in the component's ChartSpec (the key in charts.lock.yaml). */
  chart: string;
  /** The chart version whose templates and values were checked. */
  version: string;
  /** The template that hard-codes the setting, as helm names it (`<chart>/templates/...`). */
  template: string;
  kind: string;
  name: string | RegExp;
  /** Only these containers (init or regular); all containers of the workload when absent. */
  containers?: string[];
  rules: SecurityRule[];
  /** Why the chart does not allow it, in one line. */
  reason: string;
}

const CILIUM = { chart: "cilium", version: "1.18.3" } as const;
const CILIUM_AGENT = { ...CILIUM, template: "cilium/templates/cilium-agent/daemonset.yaml", kind: "DaemonSet", name: "cilium" } as const;
/** The Hubble certificate generator runs as a Job at install and as a CronJob after; both take the same pod spec. */
const CERTGEN = ["Job", "CronJob"].map(
  (kind) => ({ ...CILIUM, template: "cilium/templates/hubble/tls-cronjob/_job-spec.tpl", kind, name: "hubble-generate-certs" }) as const,
);

export const CHART_EXCEPTIONS: ChartException[] = [
  {
    ...CILIUM_AGENT,
    rules: ["readOnlyRootFilesystem"],
    reason:
      "the template writes each container's securityContext from securityContext.privileged, .seLinuxOptions and " +
      ".capabilities.<container> only (mount-bpf-fs: a fixed privileged: true; config: none); no value sets readOnlyRootFilesystem",
  },
  {
    ...CILIUM_AGENT,
    containers: ["config", "mount-cgroup", "apply-sysctl-overwrites", "clean-cilium-state", "install-cni-binaries"],
    rules: ["seccompRuntimeDefault"],
    reason:
      "seccomp can be set only pod-wide (podSecurityContext.seccompProfile), which must stay Unconfined for cilium-agent " +
      "(src/policy/privileged.ts); the containers' securityContexts have no seccompProfile value",
  },
  {
    ...CILIUM_AGENT,
    containers: ["config"],
    rules: ["runAsNonRoot", "dropAllCapabilities", "noPrivilegeEscalation"],
    reason:
      "the config init container (cilium-dbg build-config) gets no securityContext from the template; the only other knob, " +
      "podSecurityContext, is shared with the containers that must run as root",
  },
  {
    ...CILIUM_AGENT,
    containers: ["install-cni-binaries"],
    rules: ["noPrivilegeEscalation"],
    reason:
      "the template sets only seLinuxOptions and capabilities.drop ALL on install-cni-binaries; values.yaml's " +
      "securityContext.allowPrivilegeEscalation is read by no agent container",
  },
  ...CERTGEN.map(
    (certgen): ChartException => ({
      ...certgen,
      containers: ["certgen"],
      rules: ["resources"],
      reason:
        "the template puts `resources:` and then certgen.resources with nindent 10, i.e. limits/requests land beside " +
        "`resources:` in the container (an invalid object), so certgen.resources must stay unset",
    }),
  ),
  ...CERTGEN.map(
    (certgen): ChartException => ({
      ...certgen,
      containers: ["certgen"],
      rules: ["runAsNonRoot", "readOnlyRootFilesystem"],
      reason:
        "the template hard-codes the pod securityContext (seccompProfile RuntimeDefault) and the container's (drop ALL, " +
        "allowPrivilegeEscalation false); there is no certgen securityContext value",
    }),
  ),
  {
    chart: "istio-cni",
    version: "1.30.3",
    template: "cni/templates/daemonset.yaml",
    kind: "DaemonSet",
    name: "istio-cni-node",
    containers: ["install-cni"],
    rules: ["readOnlyRootFilesystem"],
    reason:
      "the template hard-codes install-cni's securityContext (uid 0, capabilities) and takes only seLinuxOptions and " +
      "seccompProfile from values; no value sets readOnlyRootFilesystem",
  },
  {
    chart: "ztunnel",
    version: "1.30.3",
    template: "ztunnel/templates/daemonset.yaml",
    kind: "DaemonSet",
    name: "ztunnel",
    containers: ["istio-proxy"],
    rules: ["seccompRuntimeDefault"],
    reason:
      "the template hard-codes istio-proxy's securityContext (only seLinuxOptions comes from values) and writes no pod " +
      "securityContext; unlike the cni and istiod charts, ztunnel's values have no seccompProfile",
  },
];
