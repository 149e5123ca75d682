import { type Resources, resources } from "./workload.ts";

/**
 * Values for Istio's four ambient charts (base, istiod, cni, ztunnel), built
 * from the istio component's options. Keys checked against each chart's
 * values.yaml at 1.30.3 (the charts have no values.schema.json; their
 * templates/zzz_profile.yaml merges `profile: ambient` from files/profile-ambient.yaml
 * under what we pass).
 *
 * The image hub and tag are always set. Istio's release tooling rewrites the
 * charts' default hub/tag when it publishes them; stating them here pins the
 * images to the chart version whatever archive is rendered, and lets a
 * registry mirror be used by changing one option.
 */

export interface IstioValuesInput {
  hub: string;
  tag: string;
  istiodResources: Resources;
  cniResources: Resources;
  ztunnelResources: Resources;
  waypointResources: Resources;
}

const RUNTIME_DEFAULT = { type: "RuntimeDefault" };

export function istioBaseValues(): Record<string, unknown> {
  // Istio's own CRDs come from the chart's templates; the defaults are what we want.
  return {};
}

export function istiodValues(o: IstioValuesInput): Record<string, unknown> {
  return {
    profile: "ambient",
    global: {
      hub: o.hub,
      tag: o.tag,
      // Waypoints are Deployments istiod creates at runtime in the app
      // namespace, which enforces Pod Security "restricted": they need seccomp.
      waypoint: { resources: resources(o.waypointResources) },
    },
    gateways: { seccompProfile: RUNTIME_DEFAULT },
    seccompProfile: RUNTIME_DEFAULT,
    // One istiod is plenty for a laptop; the chart's default HPA (1–5) and
    // 500m/2Gi request are sized for production clusters.
    autoscaleEnabled: false,
    replicaCount: 1,
    resources: resources(o.istiodResources),
  };
}

export function istioCniValues(o: IstioValuesInput): Record<string, unknown> {
  return {
    profile: "ambient",
    global: { hub: o.hub, tag: o.tag },
    // Kind nodes use the standard CNI paths; Cilium writes its conflist
    // there and istio-cni chains itself into it (hence Cilium's cni.exclusive=false).
    cniBinDir: "/opt/cni/bin",
    cniConfDir: "/etc/cni/net.d",
    seccompProfile: RUNTIME_DEFAULT,
    resources: resources(o.cniResources),
  };
}

export function ztunnelValues(o: IstioValuesInput): Record<string, unknown> {
  return {
    profile: "ambient",
    // The ztunnel chart reads hub/tag at the top level (its values.yaml), not under global.
    hub: o.hub,
    tag: o.tag,
    resources: resources(o.ztunnelResources),
  };
}
