import * as s from "../config/schema.ts";
import type { KubeObject } from "../model/k8s.ts";
import { rejectingLiteralTokens, secretKey, tokenSecretName } from "./lib/cloudflared-schema.ts";
import { deployment, keepOnePodUp } from "./lib/deployment.ts";
import { namespaceOption } from "./lib/option-schemas.ts";
import { appLabels, type Resources, resourcesSchema, restrictedContainer, restrictedPodSpec } from "./lib/workload.ts";
import { defineComponent } from "./types.ts";

export interface CloudflaredOptions {
  /** Namespace of the connector; next to Traefik, which it forwards to. @default "edge" */
  namespace: string;
  /** The official image, pinned by tag. @default "docker.io/cloudflare/cloudflared:2026.8.2" */
  image: string;
  /** Connectors; Cloudflare's edge spreads traffic over all of them. @default 1 locally, 2 elsewhere */
  replicas: number;
  /**
   * The Secret holding the tunnel token, by name and key. The Secret is
   * created by the secrets layer (SOPS); the token itself is never an option.
   * @default { name: "cloudflared-token", key: "token" }
   */
  tokenSecret: { name: string; key: string };
  /** CPU and memory. @default 20m/64Mi requested, 500m/256Mi limit */
  resources: Resources;
  /** @default "info" */
  logLevel: "debug" | "info" | "warn" | "error";
}

const NAME = "cloudflared";
/** uid/gid of "nonroot" in the distroless base image the official image is built on. */
const NONROOT = 65532;
const METRICS_PORT = 2000;
const TOKEN_DIR = "/etc/cloudflared/token";

const options: s.ObjectSchema<CloudflaredOptions> = rejectingLiteralTokens(
  s.object({
    namespace: namespaceOption,
    image: s.string({ pattern: /^\S+(:[\w.-]+|@sha256:[0-9a-f]{64})$/, patternHint: "an image pinned by tag or digest" }),
    replicas: s.int({ min: 1, max: 10 }),
    tokenSecret: s.object({ name: tokenSecretName, key: secretKey }),
    resources: resourcesSchema,
    logLevel: s.oneOf(["debug", "info", "warn", "error"] as const),
  }),
);

export const cloudflared = defineComponent<CloudflaredOptions>({
  name: NAME,
  description: "Cloudflare Tunnel connector (optional, off by default); its token comes from a Secret",
  profiles: ["dev-fast", "cilium", "full"],
  optional: true,
  options,
  defaults: ({ env }) => ({
    namespace: "edge",
    image: "docker.io/cloudflare/cloudflared:2026.8.2",
    replicas: env === "local" ? 1 : 2,
    tokenSecret: { name: "cloudflared-token", key: "token" },
    resources: { cpuRequest: "20m", memoryRequest: "64Mi", cpuLimit: "500m", memoryLimit: "256Mi" },
    logLevel: "info",
  }),
  secrets: (_ctx, o) => [
    {
      namespace: o.namespace,
      name: o.tokenSecret.name,
      keys: { [o.tokenSecret.key]: { description: "Cloudflare Tunnel token (from the Cloudflare dashboard)", generate: "manual" } },
    },
  ],
  render: (ctx, o) => [
    {
      name: NAME,
      namespace: o.namespace,
      objects: [connectorDeployment(o), ...(o.replicas > 1 ? [keepOnePodUp(NAME, labels)] : [])],
      // The tunnel's public hostnames point at Traefik; no use starting before it.
      dependsOn: ctx.has("traefik") ? ["traefik"] : [],
    },
  ],
});

const labels = appLabels(NAME, "tunnel");

function connectorDeployment(o: CloudflaredOptions): KubeObject {
  return deployment({
    name: NAME,
    labels,
    replicas: o.replicas,
    // The connector never talks to the Kubernetes API (restrictedPodSpec mounts no token).
    pod: restrictedPodSpec(NONROOT, {
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: "kubernetes.io/hostname",
          whenUnsatisfiable: "ScheduleAnyway",
          labelSelector: { matchLabels: labels },
        },
      ],
      containers: [
        restrictedContainer(o.resources, {
          name: NAME,
          image: o.image,
          args: [
            "tunnel",
            "--no-autoupdate",
            "--metrics",
            `0.0.0.0:${METRICS_PORT}`,
            "--loglevel",
            o.logLevel,
            "run",
            // A file, not TUNNEL_TOKEN: environment variables leak into crash dumps and `kubectl describe`-style tooling.
            "--token-file",
            `${TOKEN_DIR}/token`,
          ],
          ports: [{ name: "metrics", containerPort: METRICS_PORT }],
          // /ready answers 200 only while at least one connection to Cloudflare's edge is up.
          readinessProbe: { httpGet: { path: "/ready", port: "metrics" }, periodSeconds: 10, failureThreshold: 3 },
          livenessProbe: {
            httpGet: { path: "/ready", port: "metrics" },
            initialDelaySeconds: 10,
            periodSeconds: 10,
            failureThreshold: 6,
          },
          volumeMounts: [
            { name: "token", mountPath: TOKEN_DIR, readOnly: true },
            { name: "tmp", mountPath: "/tmp" },
          ],
        }),
      ],
      volumes: [
        {
          name: "token",
          // 0440 with the pod's fsGroup: readable by the connector, by nobody else.
          secret: { secretName: o.tokenSecret.name, items: [{ key: o.tokenSecret.key, path: "token" }], defaultMode: 0o440 },
        },
        { name: "tmp", emptyDir: { sizeLimit: "16Mi" } },
      ],
    }),
  });
}
