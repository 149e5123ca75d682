import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { KubeObject } from "../../../src/model/k8s.ts";
import { createValidator, type ObjectValidator } from "../../../src/validate/index.ts";
import {
  application,
  authorizationPolicy,
  ciliumNetworkPolicy,
  clusterwidePolicy,
  httpRoute,
  middleware,
  prometheusRule,
} from "../../fixtures/validate/objects.ts";

// biome-ignore lint/suspicious/noExplicitAny: test fixtures are edited freely
type Loose = any;

function tweak(obj: KubeObject, change: (o: Loose) => void): KubeObject {
  const copy = structuredClone(obj) as Loose;
  change(copy);
  return copy;
}

describe("ecosystem kinds", () => {
  let v: ObjectValidator;
  before(async () => {
    v = await createValidator([authorizationPolicy(), application(), middleware(), httpRoute(), prometheusRule(), ciliumNetworkPolicy()]);
  });

  it("Istio AuthorizationPolicy", () => {
    assert.equal(v.schemaSource("security.istio.io/v1", "AuthorizationPolicy"), "kubernetes-models");
    assert.deepEqual(v.validate(authorizationPolicy()), []);
    const bad = tweak(authorizationPolicy(), (o) => {
      o.spec.action = "PERMIT";
      o.spec.rules[0].from[0].source.principal = o.spec.rules[0].from[0].source.principals;
      delete o.spec.rules[0].from[0].source.principals;
    });
    assert.deepEqual(v.validate(bad), [
      { path: "spec.action", message: 'must be one of: ALLOW, DENY, AUDIT, CUSTOM; got string "PERMIT"' },
      { path: "spec.rules[0].from[0].source.principal", message: 'unknown field "principal" (did you mean "principals"?)' },
    ]);
  });

  it("Argo CD Application", () => {
    assert.deepEqual(v.validate(application()), []);
    const bad = tweak(application(), (o) => {
      delete o.spec.destination;
      o.spec.syncPolicy.automated.prune = "yes";
    });
    assert.deepEqual(v.validate(bad), [
      { path: "spec", message: 'missing required field "destination"' },
      { path: "spec.syncPolicy.automated.prune", message: 'must be boolean, got string "yes"' },
    ]);
  });

  it("Traefik Middleware (traefik.io/v1alpha1)", () => {
    assert.deepEqual(v.validate(middleware()), []);
    const bad = tweak(middleware(), (o) => {
      o.spec.headers.accessControlMaxAge = "ten minutes";
      o.spec.header = {};
    });
    assert.deepEqual(v.validate(bad), [
      { path: "spec.header", message: 'unknown field "header" (did you mean "headers"?)' },
      { path: "spec.headers.accessControlMaxAge", message: 'must be integer, got string "ten minutes"' },
    ]);
  });

  it("Gateway API HTTPRoute", () => {
    assert.deepEqual(v.validate(httpRoute()), []);
    const bad = tweak(httpRoute(), (o) => {
      o.spec.rules[0].matches[0].path.type = "Prefix";
      o.spec.rules[0].backendRefs[0].port = "http";
    });
    assert.deepEqual(v.validate(bad), [
      { path: "spec.rules[0].backendRefs[0].port", message: 'must be integer, got string "http"' },
      { path: "spec.rules[0].matches[0].path.type", message: 'must be one of: Exact, PathPrefix, RegularExpression; got string "Prefix"' },
    ]);
  });

  it("PrometheusRule", () => {
    assert.deepEqual(v.validate(prometheusRule()), []);
    const bad = tweak(prometheusRule(), (o) => {
      delete o.spec.groups[0].name;
      o.spec.groups[0].rules[1].for = "5 minutes";
    });
    const issues = v.validate(bad);
    assert.deepEqual(issues[0], { path: "spec.groups[0]", message: 'missing required field "name"' });
    assert.equal(issues[1]?.path, "spec.groups[0].rules[1].for");
    assert.match(issues[1]?.message ?? "", /^must match the pattern .*, got string "5 minutes"$/);
    assert.equal(issues.length, 2);
  });

  it("CiliumNetworkPolicy (kindling's own schema)", () => {
    assert.equal(v.schemaSource("cilium.io/v2", "CiliumNetworkPolicy"), "kindling");
    assert.deepEqual(v.validate(ciliumNetworkPolicy()), []);
    const bad = tweak(ciliumNetworkPolicy(), (o) => {
      o.spec.ingress[0].toPorts[0].ports[0].port = 8080; // must be a string
      o.spec.egress[3].toEntities = ["wrld"];
      o.spec.egress[2].toFQDN = o.spec.egress[2].toFQDNs;
      delete o.spec.egress[2].toFQDNs;
    });
    assert.deepEqual(v.validate(bad), [
      { path: "spec.egress[2].toFQDN", message: 'unknown field "toFQDN" (did you mean "toFQDNs"?)' },
      {
        path: "spec.egress[3].toEntities[0]",
        message:
          'must be one of: all, world, cluster, host, init, ingress, unmanaged, remote-node, health, none, kube-apiserver; got string "wrld"',
      },
      { path: "spec.ingress[0].toPorts[0].ports[0].port", message: 'must be string, got integer 8080 (quote it: "8080")' },
    ]);
  });

  it("CiliumNetworkPolicy structure and agent-side rules", () => {
    const noRules = {
      apiVersion: "cilium.io/v2",
      kind: "CiliumNetworkPolicy",
      metadata: { name: "x", namespace: "n" },
      spec: { endpointSelector: {} },
    };
    assert.deepEqual(v.validate(noRules), [
      { path: "spec", message: 'must set at least one of: "ingress", "ingressDeny", "egress", "egressDeny"' },
    ]);
    const nodeSelectorInNamespaced = tweak(ciliumNetworkPolicy(), (o) => {
      o.spec.nodeSelector = o.spec.endpointSelector;
    });
    assert.deepEqual(v.validate(nodeSelectorInNamespaced), [{ path: "spec.nodeSelector", message: 'unknown field "nodeSelector"' }]);
    const mixed = tweak(ciliumNetworkPolicy(), (o) => {
      o.spec.ingress[0].fromCIDR = ["10.0.0.0/8"];
      delete o.spec.ingress[0].toPorts[0].ports[0].protocol; // HTTP rules need TCP
      o.spec.egress[4].toCIDRSet[0].cidr = "10.0.0.0";
    });
    assert.deepEqual(v.validate(mixed), [
      { path: "spec.egress[4].toCIDRSet[0].cidr", message: 'must be a valid cidr, got string "10.0.0.0"' },
      {
        path: "spec.ingress[0]",
        message: "fromEndpoints and fromCIDR cannot be combined in one rule (Cilium rejects the policy): use separate rules",
      },
      {
        path: "spec.ingress[0].toPorts[0].ports[0].protocol",
        message: "L7 (HTTP) rules only apply to TCP ports: set protocol: TCP (got no protocol, i.e. ANY)",
      },
    ]);
    const both = tweak(ciliumNetworkPolicy(), (o) => {
      o.spec.egress[2].toFQDNs[0].matchPattern = "*.github.com";
    });
    assert.deepEqual(v.validate(both), [
      { path: "spec.egress[2].toFQDNs[0]", message: 'must set only one of: "matchName", "matchPattern"' },
    ]);
  });

  it("CiliumClusterwideNetworkPolicy", () => {
    assert.deepEqual(v.validate(clusterwidePolicy()), []);
    const neither = tweak(clusterwidePolicy(), (o) => delete o.spec.nodeSelector);
    assert.deepEqual(v.validate(neither), [{ path: "spec", message: 'must set exactly one of: "endpointSelector", "nodeSelector"' }]);
    const missing = { apiVersion: "cilium.io/v2", kind: "CiliumClusterwideNetworkPolicy", metadata: { name: "x" } };
    assert.deepEqual(v.validate(missing), [{ path: "", message: 'must set at least one of: "spec", "specs"' }]);
  });
});
