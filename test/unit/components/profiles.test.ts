/**
 * The profile matrix: which components and which host ports each profile
 * has, and that the two agree — every host port Kind publishes is a NodePort
 * some present component claims, and every claimed NodePort is published.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PROFILES, type ProfileName } from "../../../src/components/types.ts";
import { kindClusterConfig, PROFILE_SHAPES } from "../../../src/kind/index.ts";
import { environmentOf } from "./profiles-environment.ts";

const EVERY_PROFILE = [
  "workloads",
  "traefik",
  "postgresql",
  "garage",
  "loki",
  "tempo",
  "grafana",
  "prometheus",
  "alertmanager",
  "otel-collector",
  "network-policy",
];

/** Components present by default, in registry order. Optional components (off unless enabled) are not listed. */
const MATRIX: Record<ProfileName, { components: string[]; hostPorts: Record<number, string> }> = {
  "dev-fast": {
    components: EVERY_PROFILE,
    hostPorts: { 30081: "traefik", 30444: "traefik", 30090: "prometheus", 30093: "alertmanager", 30300: "grafana" },
  },
  cilium: {
    components: ["cilium", ...EVERY_PROFILE],
    hostPorts: { 30081: "traefik", 30444: "traefik", 30090: "prometheus", 30093: "alertmanager", 30300: "grafana", 31235: "cilium" },
  },
  full: {
    components: ["cilium", "gateway-api", "istio", ...EVERY_PROFILE.slice(0, -1), "argocd", "network-policy"],
    hostPorts: {
      30081: "traefik",
      30444: "traefik",
      30090: "prometheus",
      30093: "alertmanager",
      30300: "grafana",
      31235: "cilium",
      30080: "argocd",
      30443: "argocd",
    },
  },
};

describe("profile matrix", () => {
  for (const profile of PROFILES) {
    const env = environmentOf(profile);
    const expected = MATRIX[profile];

    it(`${profile}: components ${expected.components.join(", ")}`, () => {
      assert.deepEqual(
        env.components.map((c) => c.component.name),
        expected.components,
      );
    });

    it(`${profile}: host ports ${Object.keys(expected.hostPorts).join(", ")}, each claimed by the component that serves it`, () => {
      const claims = new Map<number, string>();
      for (const { component, options } of env.components) {
        for (const claim of component.nodePorts?.(options) ?? []) claims.set(claim.port, component.name);
      }
      assert.deepEqual(Object.fromEntries(claims), Object.fromEntries(Object.entries(expected.hostPorts).map(([p, c]) => [p, c])));
      const published = kindClusterConfig(profile, { name: "kindling" }).nodes?.[0]?.extraPortMappings?.map((m) => m.hostPort);
      assert.deepEqual([...(published ?? [])].sort(), [...claims.keys()].sort());
      assert.deepEqual(PROFILE_SHAPES[profile].hostPorts.map((h) => h.port).sort(), [...claims.keys()].sort());
    });
  }
});
