/** The Kind cluster config of each profile, checked against our v1alpha4 schema and Kind's own validation rules. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { PROFILES, type ProfileName } from "../../../src/components/types.ts";
import {
  KIND_NODE_IMAGE,
  KIND_NODE_IMAGE_REF,
  kindClusterConfig,
  kindClusterConfigYaml,
  kindConfigIssues,
  kindOptionsFor,
  PROFILE_SHAPES,
} from "../../../src/kind/index.ts";
import { environmentOf } from "./profiles-environment.ts";

const EXPECTED: Record<ProfileName, { workers: number; cni: "kindnetd" | "cilium"; hostPorts: number[] }> = {
  "dev-fast": { workers: 0, cni: "kindnetd", hostPorts: [30081, 30444, 30090, 30093, 30300] },
  cilium: { workers: 1, cni: "cilium", hostPorts: [30081, 30444, 30090, 30093, 30300, 31235] },
  full: { workers: 2, cni: "cilium", hostPorts: [30081, 30444, 30090, 30093, 30300, 31235, 30080, 30443] },
};

const base = { kind: "Cluster", apiVersion: "kind.x-k8s.io/v1alpha4" } as const;

describe("Kind cluster config per profile", () => {
  for (const profile of PROFILES) {
    const config = kindClusterConfig(profile, { name: "kindling" });
    const expected = EXPECTED[profile];

    it(`${profile}: passes the v1alpha4 schema and Kind's validation rules`, () => {
      assert.deepEqual(kindConfigIssues(config), []);
    });

    it(`${profile}: 1 control-plane + ${expected.workers} worker(s), every node on the pinned image`, () => {
      const roles = config.nodes?.map((n) => n.role);
      assert.deepEqual(roles, ["control-plane", ...Array(expected.workers).fill("worker")]);
      for (const node of config.nodes ?? []) assert.equal(node.image, KIND_NODE_IMAGE_REF);
    });

    it(`${profile}: ${expected.cni === "cilium" ? "Kind's CNI disabled for Cilium" : "kindnetd (Kind's default CNI)"}`, () => {
      assert.equal(config.networking?.disableDefaultCNI === true, expected.cni === "cilium");
      assert.equal(PROFILE_SHAPES[profile].cni, expected.cni);
      assert.equal(config.networking?.kubeProxyMode, undefined, "kube-proxy stays (iptables) by default");
    });

    it(`${profile}: host ports exactly ${expected.hostPorts.join(", ")}, on 127.0.0.1, through the control-plane only`, () => {
      const [controlPlane, ...workers] = config.nodes ?? [];
      const mappings = controlPlane?.extraPortMappings ?? [];
      assert.deepEqual(
        mappings.map((m) => m.hostPort),
        expected.hostPorts,
      );
      for (const m of mappings) {
        assert.equal(m.containerPort, m.hostPort, "a NodePort is published on the same host port");
        assert.equal(m.listenAddress, "127.0.0.1");
        assert.equal(m.protocol, "TCP");
      }
      for (const w of workers) assert.equal(w.extraPortMappings, undefined);
    });

    it(`${profile}: the YAML file holds the same config`, () => {
      assert.deepEqual(parse(kindClusterConfigYaml(profile, { name: "kindling" })), config);
    });
  }

  it("pins the node image by version and digest", () => {
    assert.match(KIND_NODE_IMAGE_REF, /^kindest\/node:v1\.3\d\.\d+@sha256:[0-9a-f]{64}$/);
    assert.ok(KIND_NODE_IMAGE_REF.includes(KIND_NODE_IMAGE.kubernetesVersion));
  });

  it("uses the cluster name and fixed pod/service subnets", () => {
    const config = kindClusterConfig("full", { name: "demo" });
    assert.equal(config.name, "demo");
    assert.equal(config.networking?.podSubnet, "10.244.0.0/16");
    assert.equal(config.networking?.serviceSubnet, "10.96.0.0/16");
  });

  it('allows kubeProxyMode "none" only where Cilium can replace kube-proxy', () => {
    const config = kindClusterConfig("cilium", { name: "kindling", kubeProxyMode: "none" });
    assert.equal(config.networking?.kubeProxyMode, "none");
    assert.deepEqual(kindConfigIssues(config), []);
    assert.throws(() => kindClusterConfig("dev-fast", { name: "kindling", kubeProxyMode: "none" }), /kindnetd, which needs kube-proxy/);
  });
});

describe("Kind options from an environment", () => {
  it("keeps kube-proxy unless Cilium replaces it", () => {
    assert.deepEqual(kindOptionsFor(environmentOf("full"), "kindling"), { name: "kindling" });
    assert.deepEqual(kindOptionsFor(environmentOf("dev-fast"), "kindling"), { name: "kindling" });
  });

  it("turns kube-proxy off when Cilium replaces it, and the result is a valid Kind config", () => {
    const env = environmentOf("cilium", { cilium: { kubeProxyReplacement: true } });
    const options = kindOptionsFor(env, "kindling");
    assert.deepEqual(options, { name: "kindling", kubeProxyMode: "none" });
    assert.deepEqual(kindConfigIssues(kindClusterConfig("cilium", options)), []);
  });

  it("refuses a replacement pointed at another cluster's API server", () => {
    const env = environmentOf("full", { cilium: { kubeProxyReplacement: true } });
    assert.throws(() => kindOptionsFor(env, "demo"), /must reach the API server at the Kind control-plane container "demo-control-plane"/);
  });
});

describe("our Kind config schema rejects what Kind rejects", () => {
  const cases: [string, unknown, RegExp][] = [
    ["an unknown field (Kind decodes strictly)", { ...base, networking: { podCIDR: "10.0.0.0/16" } }, /unknown field "podCIDR"/],
    ["a misspelt node field", { ...base, nodes: [{ role: "control-plane", extraPortMapping: [] }] }, /unknown field "extraPortMapping"/],
    ["an unknown role", { ...base, nodes: [{ role: "master" }] }, /must be one of control-plane, worker/],
    ["another apiVersion", { ...base, apiVersion: "kind.x-k8s.io/v1alpha3" }, /apiVersion/],
    ["a port out of range", { ...base, nodes: [{ extraPortMappings: [{ hostPort: 70000 }] }] }, /hostPort/],
    ["no control-plane node", { ...base, nodes: [{ role: "worker" }] }, /at least one control-plane node/],
    [
      "the same host port twice",
      { ...base, nodes: [{ extraPortMappings: [{ hostPort: 30081, listenAddress: "127.0.0.1" }, { hostPort: 30081 }] }] },
      /mapped twice/,
    ],
    ["a pod subnet that is no CIDR", { ...base, networking: { podSubnet: "10.244.0.0" } }, /not a CIDR/],
    ["an IPv6 subnet for an IPv4 cluster", { ...base, networking: { serviceSubnet: "fd00::/108" } }, /expected an IPv4 CIDR/],
    ["an invalid cluster name", { ...base, name: "Kindling_Dev" }, /not a valid cluster name/],
  ];
  for (const [what, config, message] of cases) {
    it(what, () => {
      const issues = kindConfigIssues(config);
      assert.ok(
        issues.some((i) => message.test(i)),
        `expected an issue matching ${message}, got: ${JSON.stringify(issues)}`,
      );
    });
  }

  it("accepts the same host port on two listen addresses, and random host ports twice", () => {
    const config = {
      ...base,
      nodes: [
        {
          extraPortMappings: [
            { hostPort: 80, listenAddress: "127.0.0.1" },
            { hostPort: 80, listenAddress: "127.0.0.2" },
            { hostPort: 0 },
            { hostPort: 0 },
          ],
        },
      ],
    };
    assert.deepEqual(kindConfigIssues(config), []);
  });
});
