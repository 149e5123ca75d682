import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createValidator, isClusterScopedBuiltin } from "../../../src/validate/index.ts";
import { crd } from "../../fixtures/validate/objects.ts";

// biome-ignore lint/suspicious/noExplicitAny: test fixtures are edited freely
type Loose = any;

describe("scope", () => {
  it("knows built-in cluster-scoped kinds", () => {
    const cluster: [string, string][] = [
      ["v1", "Namespace"],
      ["v1", "Node"],
      ["v1", "PersistentVolume"],
      ["rbac.authorization.k8s.io/v1", "ClusterRole"],
      ["rbac.authorization.k8s.io/v1", "ClusterRoleBinding"],
      ["apiextensions.k8s.io/v1", "CustomResourceDefinition"],
      ["storage.k8s.io/v1", "StorageClass"],
      ["storage.k8s.io/v1", "CSIDriver"],
      ["storage.k8s.io/v1", "CSINode"],
      ["storage.k8s.io/v1", "VolumeAttachment"],
      ["scheduling.k8s.io/v1", "PriorityClass"],
      ["admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"],
      ["admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration"],
      ["admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy"],
      ["admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding"],
      ["apiregistration.k8s.io/v1", "APIService"],
      ["networking.k8s.io/v1", "IngressClass"],
      ["node.k8s.io/v1", "RuntimeClass"],
      ["gateway.networking.k8s.io/v1", "GatewayClass"],
      ["cilium.io/v2", "CiliumClusterwideNetworkPolicy"],
      ["cert-manager.io/v1", "ClusterIssuer"],
    ];
    for (const [apiVersion, kind] of cluster) assert.equal(isClusterScopedBuiltin(apiVersion, kind), true, `${apiVersion} ${kind}`);
  });

  it("knows namespaced kinds, including every kind with a model", () => {
    const namespaced: [string, string][] = [
      ["v1", "ConfigMap"],
      ["v1", "Service"],
      ["apps/v1", "Deployment"],
      ["batch/v1", "CronJob"],
      ["rbac.authorization.k8s.io/v1", "RoleBinding"],
      ["networking.k8s.io/v1", "NetworkPolicy"],
      ["gateway.networking.k8s.io/v1", "HTTPRoute"],
      ["gateway.networking.k8s.io/v1", "Gateway"],
      ["security.istio.io/v1", "AuthorizationPolicy"],
      ["networking.istio.io/v1", "VirtualService"],
      ["argoproj.io/v1alpha1", "Application"],
      ["traefik.io/v1alpha1", "Middleware"],
      ["monitoring.coreos.com/v1", "PrometheusRule"],
      ["cilium.io/v2", "CiliumNetworkPolicy"],
      ["cert-manager.io/v1", "Certificate"],
    ];
    for (const [apiVersion, kind] of namespaced) assert.equal(isClusterScopedBuiltin(apiVersion, kind), false, `${apiVersion} ${kind}`);
  });

  it("does not guess about unknown kinds, nor nested model types", () => {
    assert.equal(isClusterScopedBuiltin("example.com/v1", "Foo"), undefined);
    assert.equal(isClusterScopedBuiltin("v1", "Container"), undefined);
    assert.equal(isClusterScopedBuiltin("gateway.networking.k8s.io/v1", "HTTPRouteRule"), undefined);
  });

  it("uses the scope of CRDs in the render", async () => {
    const clusterCrd = structuredClone(crd) as Loose;
    clusterCrd.metadata.name = "stores.example.com";
    clusterCrd.spec.group = "example.com";
    clusterCrd.spec.names = { kind: "Store", plural: "stores" };
    clusterCrd.spec.scope = "Cluster";
    const v = await createValidator([crd, clusterCrd]);
    assert.equal(v.isClusterScoped("garage.kindling.dev/v1", "Bucket"), false);
    assert.equal(v.isClusterScoped("example.com/v1", "Store"), true);
    assert.equal(v.isClusterScoped("example.com/v1", "Other"), undefined);
    assert.equal(v.isClusterScoped("v1", "Namespace"), true);
    assert.equal(v.isClusterScoped("apps/v1", "Deployment"), false);
  });
});
