/**
 * Built-in knowledge about kinds that does not need a schema: which kinds are
 * cluster-scoped, and which API versions the Kubernetes API server no longer serves.
 *
 * Keys are "<group>/<Kind>" with "" for the core group, so the same table answers
 * for every version of a group (scope never changes between versions).
 */
import { splitApiVersion } from "../model/k8s.ts";

const CLUSTER_SCOPED: Readonly<Record<string, readonly string[]>> = {
  "": ["Namespace", "Node", "PersistentVolume", "ComponentStatus"],
  "admissionregistration.k8s.io": [
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
  ],
  "apiextensions.k8s.io": ["CustomResourceDefinition"],
  "apiregistration.k8s.io": ["APIService"],
  "authentication.k8s.io": ["TokenReview", "SelfSubjectReview"],
  "authorization.k8s.io": ["SubjectAccessReview", "SelfSubjectAccessReview", "SelfSubjectRulesReview"],
  "certificates.k8s.io": ["CertificateSigningRequest", "ClusterTrustBundle"],
  "flowcontrol.apiserver.k8s.io": ["FlowSchema", "PriorityLevelConfiguration"],
  "internal.apiserver.k8s.io": ["StorageVersion"],
  "networking.k8s.io": ["IngressClass", "IPAddress", "ServiceCIDR", "ClusterCIDR"],
  "node.k8s.io": ["RuntimeClass"],
  policy: ["PodSecurityPolicy"],
  extensions: ["PodSecurityPolicy"],
  "rbac.authorization.k8s.io": ["ClusterRole", "ClusterRoleBinding"],
  "resource.k8s.io": ["DeviceClass", "ResourceSlice", "ResourceClass", "DeviceTaintRule"],
  "scheduling.k8s.io": ["PriorityClass"],
  "storage.k8s.io": ["StorageClass", "CSIDriver", "CSINode", "VolumeAttachment", "VolumeAttributesClass"],
  "storagemigration.k8s.io": ["StorageVersionMigration"],
  // Ecosystem CRDs kindling knows about (schemas come from packages, CRDs in the render, or ./cilium.ts).
  "gateway.networking.k8s.io": ["GatewayClass"],
  "gateway.networking.x-k8s.io": ["XMesh"],
  "cilium.io": [
    "CiliumClusterwideNetworkPolicy",
    "CiliumClusterwideEnvoyConfig",
    "CiliumNode",
    "CiliumIdentity",
    "CiliumExternalWorkload",
    "CiliumLoadBalancerIPPool",
    "CiliumBGPClusterConfig",
    "CiliumBGPPeerConfig",
    "CiliumBGPAdvertisement",
    "CiliumBGPNodeConfig",
    "CiliumBGPNodeConfigOverride",
    "CiliumBGPPeeringPolicy",
    "CiliumCIDRGroup",
    "CiliumEgressGatewayPolicy",
    "CiliumL2AnnouncementPolicy",
    "CiliumPodIPPool",
    "CiliumVtepConfig",
  ],
  "cert-manager.io": ["ClusterIssuer"],
  "kyverno.io": ["ClusterPolicy", "ClusterCleanupPolicy"],
};

/** Namespaced kinds known without looking at a schema package (the rest is inferred from the packages). */
const NAMESPACED: Readonly<Record<string, readonly string[]>> = {
  "": [
    "Pod",
    "Service",
    "ConfigMap",
    "Secret",
    "ServiceAccount",
    "Endpoints",
    "Event",
    "LimitRange",
    "ResourceQuota",
    "PersistentVolumeClaim",
    "PodTemplate",
    "ReplicationController",
    "Binding",
  ],
  apps: ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ControllerRevision"],
  batch: ["Job", "CronJob"],
  autoscaling: ["HorizontalPodAutoscaler"],
  policy: ["PodDisruptionBudget", "Eviction"],
  "networking.k8s.io": ["Ingress", "NetworkPolicy"],
  "rbac.authorization.k8s.io": ["Role", "RoleBinding"],
  "coordination.k8s.io": ["Lease", "LeaseCandidate"],
  "discovery.k8s.io": ["EndpointSlice"],
  "events.k8s.io": ["Event"],
  "storage.k8s.io": ["CSIStorageCapacity"],
  "resource.k8s.io": ["ResourceClaim", "ResourceClaimTemplate"],
  "authorization.k8s.io": ["LocalSubjectAccessReview"],
  "cilium.io": [
    "CiliumNetworkPolicy",
    "CiliumEndpoint",
    "CiliumEnvoyConfig",
    "CiliumLocalRedirectPolicy",
    "CiliumNodeConfig",
    "CiliumEndpointSlice",
  ],
  "cert-manager.io": ["Issuer", "Certificate", "CertificateRequest"],
  "acme.cert-manager.io": ["Order", "Challenge"],
};

function toSet(table: Readonly<Record<string, readonly string[]>>): Set<string> {
  const set = new Set<string>();
  for (const [group, kinds] of Object.entries(table)) for (const kind of kinds) set.add(`${group}/${kind}`);
  return set;
}

const clusterScoped = toSet(CLUSTER_SCOPED);
const namespaced = toSet(NAMESPACED);

/**
 * Scope from built-in tables only: true (cluster-scoped), false (namespaced) or
 * undefined (not in the tables; ObjectValidator.isClusterScoped also consults the
 * schema packages and the CRDs of the render).
 */
export function scopeFromTables(apiVersion: string, kind: string): boolean | undefined {
  const key = `${splitApiVersion(apiVersion).group}/${kind}`;
  if (clusterScoped.has(key)) return true;
  if (namespaced.has(key)) return false;
  return undefined;
}

// ---------------------------------------------------------------------------
// API versions the API server no longer serves (kubernetes-models still ships many of them).

interface Removal {
  since: string;
  use: string;
}

const REMOVED: Readonly<Record<string, Readonly<Record<string, Removal>>>> = {
  "extensions/v1beta1": {
    Deployment: { since: "1.16", use: "apps/v1" },
    DaemonSet: { since: "1.16", use: "apps/v1" },
    ReplicaSet: { since: "1.16", use: "apps/v1" },
    NetworkPolicy: { since: "1.16", use: "networking.k8s.io/v1" },
    PodSecurityPolicy: { since: "1.16", use: "Pod Security Admission (namespace labels)" },
    Ingress: { since: "1.22", use: "networking.k8s.io/v1" },
    "*": { since: "1.16", use: "the current group version" },
  },
  "apps/v1beta1": { "*": { since: "1.16", use: "apps/v1" } },
  "apps/v1beta2": { "*": { since: "1.16", use: "apps/v1" } },
  "networking.k8s.io/v1beta1": {
    Ingress: { since: "1.22", use: "networking.k8s.io/v1" },
    IngressClass: { since: "1.22", use: "networking.k8s.io/v1" },
  },
  "rbac.authorization.k8s.io/v1beta1": { "*": { since: "1.22", use: "rbac.authorization.k8s.io/v1" } },
  "rbac.authorization.k8s.io/v1alpha1": { "*": { since: "1.22", use: "rbac.authorization.k8s.io/v1" } },
  "admissionregistration.k8s.io/v1beta1": {
    MutatingWebhookConfiguration: { since: "1.22", use: "admissionregistration.k8s.io/v1" },
    ValidatingWebhookConfiguration: { since: "1.22", use: "admissionregistration.k8s.io/v1" },
  },
  "apiextensions.k8s.io/v1beta1": { CustomResourceDefinition: { since: "1.22", use: "apiextensions.k8s.io/v1" } },
  "apiregistration.k8s.io/v1beta1": { APIService: { since: "1.22", use: "apiregistration.k8s.io/v1" } },
  "authentication.k8s.io/v1beta1": { TokenReview: { since: "1.22", use: "authentication.k8s.io/v1" } },
  "authorization.k8s.io/v1beta1": { "*": { since: "1.22", use: "authorization.k8s.io/v1" } },
  "certificates.k8s.io/v1beta1": { CertificateSigningRequest: { since: "1.22", use: "certificates.k8s.io/v1" } },
  "coordination.k8s.io/v1beta1": { Lease: { since: "1.22", use: "coordination.k8s.io/v1" } },
  "scheduling.k8s.io/v1beta1": { PriorityClass: { since: "1.22", use: "scheduling.k8s.io/v1" } },
  "scheduling.k8s.io/v1alpha1": { PriorityClass: { since: "1.17", use: "scheduling.k8s.io/v1" } },
  "storage.k8s.io/v1beta1": {
    StorageClass: { since: "1.22", use: "storage.k8s.io/v1" },
    CSIDriver: { since: "1.22", use: "storage.k8s.io/v1" },
    CSINode: { since: "1.22", use: "storage.k8s.io/v1" },
    VolumeAttachment: { since: "1.22", use: "storage.k8s.io/v1" },
    CSIStorageCapacity: { since: "1.27", use: "storage.k8s.io/v1" },
  },
  "batch/v1beta1": { CronJob: { since: "1.25", use: "batch/v1" } },
  "discovery.k8s.io/v1beta1": { EndpointSlice: { since: "1.25", use: "discovery.k8s.io/v1" } },
  "events.k8s.io/v1beta1": { Event: { since: "1.25", use: "events.k8s.io/v1" } },
  "policy/v1beta1": {
    PodDisruptionBudget: { since: "1.25", use: "policy/v1" },
    Eviction: { since: "1.25", use: "policy/v1" },
    PodSecurityPolicy: { since: "1.25", use: "Pod Security Admission (namespace labels)" },
  },
  "node.k8s.io/v1beta1": { RuntimeClass: { since: "1.25", use: "node.k8s.io/v1" } },
  "autoscaling/v2beta1": { HorizontalPodAutoscaler: { since: "1.25", use: "autoscaling/v2" } },
  "autoscaling/v2beta2": { HorizontalPodAutoscaler: { since: "1.26", use: "autoscaling/v2" } },
  "flowcontrol.apiserver.k8s.io/v1beta1": { "*": { since: "1.26", use: "flowcontrol.apiserver.k8s.io/v1" } },
  "flowcontrol.apiserver.k8s.io/v1beta2": { "*": { since: "1.29", use: "flowcontrol.apiserver.k8s.io/v1" } },
  "flowcontrol.apiserver.k8s.io/v1beta3": { "*": { since: "1.32", use: "flowcontrol.apiserver.k8s.io/v1" } },
};

/** A message if `apiVersion` `kind` is no longer served by current Kubernetes, else undefined. */
export function removedApiMessage(apiVersion: string, kind: string): string | undefined {
  const byKind = REMOVED[apiVersion];
  if (!byKind) return undefined;
  const removal = byKind[kind] ?? byKind["*"];
  if (!removal) return undefined;
  return `${apiVersion} ${kind} is no longer served (removed in Kubernetes ${removal.since}): use ${removal.use}`;
}
