import * as s from "../config/schema.ts";
import type { ChartSpec } from "../helm/types.ts";
import { rootApplication } from "./lib/argocd-root.ts";
import { ARGOCD_NAMESPACE } from "./lib/argocd-sync.ts";
import { argocdValues } from "./lib/argocd-values.ts";
import { type Resources, resourcesSchema } from "./lib/workload.ts";
import { defineComponent } from "./types.ts";

/** CPU and memory per part of Argo CD. */
export interface ArgocdResources {
  /** The application controller: compares git with the cluster and syncs. @default 100m/256Mi requested, 1/1Gi limit */
  controller: Resources;
  /** API and web UI. @default 50m/64Mi requested, 500m/256Mi limit */
  server: Resources;
  /** Reads git and renders manifests (plain YAML here, so it stays small). @default 50m/128Mi requested, 1/512Mi limit */
  repoServer: Resources;
  /** @default 25m/64Mi requested, 250m/128Mi limit */
  applicationSet: Resources;
  /** @default 25m/64Mi requested, 250m/128Mi limit */
  notifications: Resources;
  /** Cache of the controller and server. @default 25m/64Mi requested, 250m/128Mi limit */
  redis: Resources;
  /** Short-lived helpers: the repo server's copyutil init container and the redis secret-init Job. @default 10m/32Mi requested, 100m/64Mi limit */
  helpers: Resources;
}

export interface ArgocdOptions {
  /** NodePort of the server's HTTP port, mapped to the host by Kind. @default 30080 */
  httpNodePort: number;
  /** NodePort of the server's HTTPS port. @default 30443 */
  httpsNodePort: number;
  /** Name of the root Application (app of apps) that syncs manifests-result/<env>/apps. @default "root" */
  rootApp: string;
  /** Run the notifications controller (nothing is configured to notify locally). @default false */
  notifications: boolean;
  /** @default "info" */
  logLevel: "debug" | "info" | "warn" | "error";
  /** Sized for a laptop by default. */
  resources: ArgocdResources;
}

/** argo-cd chart of argoproj/argo-helm; app version v3.4.4. */
export const argocdChart: ChartSpec = {
  name: "argo-cd",
  repository: "https://argoproj.github.io/argo-helm",
  chart: "argo-cd",
  version: "10.1.1",
};

const NAME = "argocd";
const size = (cpuRequest: string, memoryRequest: string, cpuLimit: string, memoryLimit: string): Resources => ({
  cpuRequest,
  memoryRequest,
  cpuLimit,
  memoryLimit,
});

const options: s.ObjectSchema<ArgocdOptions> = s.object({
  httpNodePort: s.nodePort({ doc: "NodePort of the Argo CD server's HTTP port" }),
  httpsNodePort: s.nodePort({ doc: "NodePort of the Argo CD server's HTTPS port" }),
  rootApp: s.string({ pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, patternHint: "an Application name (lower-case letters, digits, '-')" }),
  notifications: s.bool(),
  logLevel: s.oneOf(["debug", "info", "warn", "error"] as const),
  resources: s.object({
    controller: resourcesSchema,
    server: resourcesSchema,
    repoServer: resourcesSchema,
    applicationSet: resourcesSchema,
    notifications: resourcesSchema,
    redis: resourcesSchema,
    helpers: resourcesSchema,
  }),
});

export const argocd = defineComponent<ArgocdOptions>({
  name: NAME,
  description: "Argo CD (NodePorts 30080/30443) and the root app of apps that syncs manifests-result/<env>/ from git",
  profiles: ["full"],
  charts: [argocdChart],
  options,
  defaults: () => ({
    httpNodePort: 30080,
    httpsNodePort: 30443,
    rootApp: "root",
    notifications: false,
    logLevel: "info",
    resources: {
      controller: size("100m", "256Mi", "1", "1Gi"),
      server: size("50m", "64Mi", "500m", "256Mi"),
      repoServer: size("50m", "128Mi", "1", "512Mi"),
      applicationSet: size("25m", "64Mi", "250m", "128Mi"),
      notifications: size("25m", "64Mi", "250m", "128Mi"),
      redis: size("25m", "64Mi", "250m", "128Mi"),
      helpers: size("10m", "32Mi", "100m", "64Mi"),
    },
  }),
  nodePorts: (o) => [
    { port: o.httpNodePort, option: "httpNodePort" },
    { port: o.httpsNodePort, option: "httpsNodePort" },
  ],
  render: (ctx, o) => [
    {
      name: NAME,
      // Fixed: every generated Application is written into this namespace.
      namespace: ARGOCD_NAMESPACE,
      // The chart renders its CRDs from templates/ (crds.install), so no --include-crds.
      charts: [{ chart: argocdChart, release: NAME, values: argocdValues(o) }],
      objects: [rootApplication({ name: o.rootApp, repoURL: ctx.gitops.repoURL, revision: ctx.gitops.revision, envPath: ctx.gitops.path })],
    },
  ],
});
