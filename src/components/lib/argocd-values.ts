import type { ArgocdOptions } from "../argocd.ts";
import { APPLICATION_HEALTH_LUA } from "./argocd-sync.ts";
import { resources } from "./workload.ts";

/**
 * Values for the argo-cd chart. Every key checked against the chart's own
 * values.yaml at the pinned version (10.1.1; the chart ships no
 * values.schema.json, so helm would not catch a misspelt key: the
 * integration test checks the rendered objects instead).
 *
 * The chart's defaults already give every container runAsNonRoot, a
 * read-only root filesystem, no capabilities and RuntimeDefault seccomp
 * (redis gets the last two from its pod securityContext); they are not
 * repeated here. What the chart leaves empty is sizing: set for each part.
 */
export function argocdValues(o: ArgocdOptions): Record<string, unknown> {
  const r = o.resources;
  return {
    global: { logging: { level: o.logLevel } },
    // Single sign-on is not set up on a laptop: the local admin signs in.
    dex: { enabled: false },
    configs: {
      cm: {
        "admin.enabled": true,
        "exec.enabled": false,
        "statusbadge.enabled": false,
        "resource.customizations.health.argoproj.io_Application": APPLICATION_HEALTH_LUA,
      },
    },
    controller: { replicas: 1, resources: resources(r.controller) },
    server: {
      replicas: 1,
      resources: resources(r.server),
      service: { type: "NodePort", nodePortHttp: o.httpNodePort, nodePortHttps: o.httpsNodePort },
    },
    repoServer: { replicas: 1, resources: resources(r.repoServer), copyutil: { resources: resources(r.helpers) } },
    applicationSet: { replicas: 1, resources: resources(r.applicationSet) },
    notifications: { enabled: o.notifications, resources: resources(r.notifications) },
    redis: { resources: resources(r.redis) },
    redisSecretInit: { resources: resources(r.helpers) },
  };
}
