import type { CiliumOptions } from "../cilium.ts";
import { resources, restrictedContainerSecurity, restrictedPodSecurity } from "./workload.ts";

/**
 * The values kindling passes to the Cilium chart, built from the cilium
 * component's options. Every key was checked against the chart's own
 * values.yaml and values.schema.json at 1.18.3 (socketLB.hostNamespaceOnly
 * is read by templates/cilium-configmap.yaml; the chart documents it only as
 * a comment, and its schema allows extra keys there).
 */

/** The component's options, less the namespace (the chart release sets that). */
export type CiliumValuesInput = Omit<CiliumOptions, "namespace">;

/** uid/gid the Hubble UI images run as (the chart's default podSecurityContext). */
const HUBBLE_UI_UID = 1001;
/** The operator image names no user (so it would run as root); it needs none: it only talks to the API server. */
const OPERATOR_UID = 65532;
/**
 * gops, the Go diagnostics agent Cilium's binaries start, writes a port file
 * into $GOPS_CONFIG_DIR (a directory in the image) and fails the process
 * when it cannot: with a read-only root filesystem it gets a small emptyDir.
 */
const OPERATOR_GOPS_DIR = "/run/gops";

const restricted = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

export function ciliumValues(o: CiliumValuesInput): Record<string, unknown> {
  return {
    // Kind's kube-controller-manager hands every node a podCIDR from the Kind
    // config's podSubnet; Cilium uses it instead of its own pool.
    ipam: { mode: "kubernetes" },
    kubeProxyReplacement: o.kubeProxyReplacement,
    // Without kube-proxy nothing translates the `kubernetes` Service before
    // Cilium runs, so the agent must be told where the API server is.
    ...(o.kubeProxyReplacement ? { k8sServiceHost: o.apiServerHost, k8sServicePort: o.apiServerPort } : {}),

    // --- Living with Istio ambient (istio.io: ambient platform prerequisites, Cilium) ---
    // istio-cni chains itself into the CNI config; an exclusive Cilium would delete it.
    cni: { exclusive: false, resources: resources(o.auxiliaryResources) },
    // Socket-level load balancing inside pods would rewrite Service VIPs
    // before ztunnel sees them; keep it to the host namespace.
    socketLB: { hostNamespaceOnly: true },
    // BPF masquerading breaks the link-local SNAT (169.254.7.127) ambient uses
    // for kubelet probes; Cilium's iptables masquerading works.
    bpf: { masquerade: false },
    // L7 is the waypoint's job. Without Cilium's own proxy there is no
    // cilium-envoy DaemonSet: one pod fewer per node on a laptop.
    l7Proxy: false,
    envoy: { enabled: false },

    // Re-roll the agents when the config changes, so a git change takes effect.
    rollOutCiliumPods: true,
    resources: resources(o.agentResources),
    // The agent's short-lived init containers (mounts, sysctls, CNI binaries).
    initResources: resources(o.auxiliaryResources),
    cgroup: { autoMount: { resources: resources(o.auxiliaryResources) } },
    operator: {
      replicas: o.operatorReplicas,
      rollOutPods: true,
      resources: resources(o.operatorResources),
      // kindling's Prometheus does not scrape Cilium (its targets: lib/prometheus-targets.ts); no metrics port to open.
      prometheus: { enabled: false },
      // Restricted like kindling's own workloads: the chart passes both through whole.
      podSecurityContext: restrictedPodSecurity(OPERATOR_UID),
      securityContext: restrictedContainerSecurity(),
      extraEnv: [{ name: "GOPS_CONFIG_DIR", value: OPERATOR_GOPS_DIR }],
      extraVolumes: [{ name: "gops", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } }],
      extraVolumeMounts: [{ name: "gops", mountPath: OPERATOR_GOPS_DIR }],
    },
    hubble: {
      enabled: true,
      // Certificates are made in the cluster by a CronJob: "helm" would
      // generate new ones on every render, so two builds would never match.
      tls: { auto: { enabled: true, method: "cronJob" } },
      relay: {
        enabled: true,
        rollOutPods: true,
        resources: resources(o.auxiliaryResources),
        securityContext: { ...restricted, runAsUser: 65532, runAsGroup: 65532 },
        // gops would write its port file into the read-only root filesystem and stop the relay; nothing here uses it.
        gops: { enabled: false },
      },
      ui: {
        enabled: true,
        rollOutPods: true,
        service: { type: "NodePort", nodePort: o.hubbleUiNodePort },
        securityContext: {
          runAsUser: HUBBLE_UI_UID,
          runAsGroup: HUBBLE_UI_UID,
          fsGroup: HUBBLE_UI_UID,
          runAsNonRoot: true,
          seccompProfile: { type: "RuntimeDefault" },
        },
        frontend: { resources: resources(o.auxiliaryResources), securityContext: restricted },
        backend: { resources: resources(o.auxiliaryResources), securityContext: restricted },
      },
    },
    // certgen.resources is not set: the 1.18.3 job template indents it wrongly
    // (nindent 10 under `resources:`), producing an invalid container. That and
    // what else the chart hard-codes is listed in src/policy/chart-exceptions.ts.
  };
}
