import assert from "node:assert/strict";
import { test } from "node:test";
import { ClusterError } from "../../../src/cluster/errors.ts";
import type { DesiredEnvironment } from "../../../src/cluster/manifests.ts";
import { assertCiliumReachesApiServer } from "../../../src/cluster/up.ts";

const env = (host: string, kubeProxyMode?: "none"): Pick<DesiredEnvironment, "apps" | "cluster"> => ({
  cluster: kubeProxyMode ? { kubeProxyMode } : {},
  apps: [
    {
      name: "cilium",
      namespace: "kube-system",
      dependsOn: [],
      syncWave: 0,
      hash: "x",
      objects: [
        {
          app: "cilium",
          class: "object",
          apiVersion: "apps/v1",
          kind: "DaemonSet",
          name: "cilium",
          namespace: "kube-system",
          file: "cilium/DaemonSet-cilium.yaml",
          text: "",
          object: {
            apiVersion: "apps/v1",
            kind: "DaemonSet",
            metadata: { name: "cilium" },
            spec: { template: { spec: { containers: [{ name: "agent", env: [{ name: "KUBERNETES_SERVICE_HOST", value: host }] }] } } },
          },
        },
      ],
    },
  ],
});

test("kube-proxy replacement: Cilium must point at this Kind cluster's control-plane container", () => {
  assert.doesNotThrow(() => assertCiliumReachesApiServer(env("kindling-control-plane", "none"), "kindling"));
  assert.doesNotThrow(() => assertCiliumReachesApiServer(env("dev-control-plane", "none"), "dev"));
  // kube-proxy stays: Cilium's host setting does not matter.
  assert.doesNotThrow(() => assertCiliumReachesApiServer(env("kindling-control-plane"), "dev"));
  assert.throws(
    () => assertCiliumReachesApiServer(env("kindling-control-plane", "none"), "dev"),
    (err: unknown) => err instanceof ClusterError && /"dev-control-plane"/.test(err.message) && /cilium\.apiServerHost/.test(err.hint),
  );
});
