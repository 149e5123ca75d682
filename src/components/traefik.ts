import * as s from "../config/schema.ts";
import type { ChartSpec } from "../helm/types.ts";
import { AMBIENT_LABEL } from "./istio.ts";
import { DNS_LABEL, namespaceOption } from "./lib/option-schemas.ts";
import { edgeRouting } from "./lib/traefik-middlewares.ts";
import { corsOrigin, duration, hostName, httpUrl, pathPrefix, refine, secretName } from "./lib/traefik-schema.ts";
import { type Resources, resources, resourcesSchema } from "./lib/workload.ts";
import { defineComponent, type RenderContext } from "./types.ts";
import { WORKLOADS_APP, type WorkloadsOptions, workloads } from "./workloads.ts";

/** One host/path routed from the edge to a Service in the application namespace. */
export interface TraefikRoute {
  /** Host the route answers, e.g. "app.localtest.me" (which resolves to 127.0.0.1). */
  host: string;
  /** Path prefix the route matches. @default "/" */
  pathPrefix?: string;
  /** Service in the application namespace that receives the traffic. */
  service: string;
  /** Port of that Service. */
  port: number;
  /** Require authentication (the edge-protected chain); false uses edge-public. @default true */
  auth?: boolean;
}

export interface TraefikCors {
  /** Origins allowed to call the routes from a browser, one by one; "*" is refused. @default ["http://localhost:30081"] */
  allowOrigins: string[];
  /** @default ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] */
  allowMethods: string[];
  /** @default ["Authorization", "Content-Type", "traceparent", "tracestate"] */
  allowHeaders: string[];
  /** Let browsers send cookies and Authorization cross-origin (safe only because origins are explicit). @default true */
  allowCredentials: boolean;
  /** How long browsers may cache a preflight answer. @default 600 */
  maxAgeSeconds: number;
}

export interface TraefikRateLimit {
  /** Requests per period each client address may make on average. @default 100 */
  average: number;
  /** Requests allowed above the average in a burst. @default 200 */
  burst: number;
  /** The period the average counts over. @default "1s" */
  period: string;
}

export interface TraefikAuth {
  /** "basic": htpasswd users from a Secret; "forward": ask an external auth service (an OIDC proxy, say). @default "basic" */
  mode: "basic" | "forward";
  /**
   * Secret in the application namespace with htpasswd lines under the key
   * "users". Created by the secrets layer (SOPS); kindling only names it.
   * @default "edge-basic-auth"
   */
  basicAuthSecret: string;
  /** Realm browsers show in the login prompt. @default "kindling" */
  realm: string;
  /** Address of the auth service; required when mode is "forward". */
  forwardAddress?: string;
  /** Headers copied from the auth service's answer into the request. @default ["X-Forwarded-User"] */
  forwardResponseHeaders: string[];
}

export interface TraefikSecurityHeaders {
  /** Strict-Transport-Security max-age; 0 sends none (locally, so a browser does not pin HTTPS on localhost). @default 0 locally, 31536000 elsewhere */
  hstsSeconds: number;
  /** @default "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'self'" */
  contentSecurityPolicy: string;
  /** @default "strict-origin-when-cross-origin" */
  referrerPolicy: string;
  /** @default "camera=(), microphone=(), geolocation=()" */
  permissionsPolicy: string;
}

export interface TraefikOptions {
  /** Namespace of the ingress layer. @default "edge" */
  namespace: string;
  /** Namespace of the applications: the middlewares and IngressRoutes live there. @default "apps" */
  appNamespace: string;
  /** Traefik replicas. @default 1 locally, 2 elsewhere */
  replicas: number;
  /** NodePort of the HTTP entrypoint, mapped to the host by Kind. @default 30081 */
  httpNodePort: number;
  /** NodePort of the HTTPS entrypoint. @default 30444 */
  httpsNodePort: number;
  /** CPU and memory. @default 100m/128Mi requested, 500m/256Mi limit */
  resources: Resources;
  /** Log level of Traefik itself. @default "INFO" */
  logLevel: "DEBUG" | "INFO" | "WARN" | "ERROR";
  /** Routes by name (the IngressRoute's name). @default {} */
  routes: Record<string, TraefikRoute>;
  cors: TraefikCors;
  rateLimit: TraefikRateLimit;
  auth: TraefikAuth;
  securityHeaders: TraefikSecurityHeaders;
}

export const traefikChart: ChartSpec = {
  name: "traefik",
  repository: "https://traefik.github.io/charts",
  chart: "traefik",
  version: "41.3.0",
};

const NAME = "traefik";
/** The app holding the middlewares and IngressRoutes; it needs the CRDs of the traefik app first. */
export const TRAEFIK_ROUTES_APP = "traefik-routes";

const header = s.string({ pattern: /^[A-Za-z0-9-]+$/, patternHint: "an HTTP header name" });

const authSchema = refine(
  s.object({
    mode: s.oneOf(["basic", "forward"] as const),
    basicAuthSecret: secretName("htpasswd users"),
    realm: s.string({ minLength: 1 }),
    forwardAddress: s.optional(httpUrl),
    forwardResponseHeaders: s.array(header),
  }),
  (auth, path, issues) => {
    if (auth.mode === "forward" && !auth.forwardAddress) {
      issues.push({ path: `${path}.forwardAddress`, message: 'required when mode is "forward": the URL of the auth service' });
    }
  },
);

const options: s.ObjectSchema<TraefikOptions> = s.object({
  namespace: namespaceOption,
  appNamespace: namespaceOption,
  replicas: s.int({ min: 1, max: 10 }),
  httpNodePort: s.nodePort({ doc: "NodePort of the HTTP entrypoint" }),
  httpsNodePort: s.nodePort({ doc: "NodePort of the HTTPS entrypoint" }),
  resources: resourcesSchema,
  logLevel: s.oneOf(["DEBUG", "INFO", "WARN", "ERROR"] as const),
  routes: s.record(
    s.object({
      host: hostName,
      pathPrefix: s.optional(pathPrefix),
      service: s.string({ pattern: DNS_LABEL, patternHint: "a Service name" }),
      port: s.int({ min: 1, max: 65535 }),
      auth: s.optional(s.bool()),
    }),
    { keyPattern: DNS_LABEL, keyHint: "a route name (lower-case letters, digits, '-')" },
  ),
  cors: s.object({
    allowOrigins: s.array(corsOrigin, { minItems: 1 }),
    allowMethods: s.array(s.oneOf(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const)),
    allowHeaders: s.array(header),
    allowCredentials: s.bool(),
    maxAgeSeconds: s.int({ min: 0, max: 86400 }),
  }),
  rateLimit: s.object({
    average: s.int({ min: 1, doc: "requests per period on average" }),
    burst: s.int({ min: 1, doc: "requests allowed above the average in a burst" }),
    period: duration,
  }),
  auth: authSchema,
  securityHeaders: s.object({
    hstsSeconds: s.int({ min: 0 }),
    contentSecurityPolicy: s.string({ minLength: 1 }),
    referrerPolicy: s.oneOf([
      "no-referrer",
      "no-referrer-when-downgrade",
      "origin",
      "origin-when-cross-origin",
      "same-origin",
      "strict-origin",
      "strict-origin-when-cross-origin",
    ] as const),
    permissionsPolicy: s.string({ minLength: 1 }),
  }),
});

export const traefik = defineComponent<TraefikOptions>({
  name: NAME,
  description: "Traefik ingress in the edge namespace: NodePorts, CORS/rate-limit/auth/security-header middlewares, routes into apps",
  profiles: ["dev-fast", "cilium", "full"],
  charts: [traefikChart],
  options,
  defaults: ({ env }) => ({
    namespace: "edge",
    appNamespace: "apps",
    replicas: env === "local" ? 1 : 2,
    httpNodePort: 30081,
    httpsNodePort: 30444,
    resources: { cpuRequest: "100m", memoryRequest: "128Mi", cpuLimit: "500m", memoryLimit: "256Mi" },
    logLevel: "INFO",
    routes: {},
    cors: {
      allowOrigins: ["http://localhost:30081"],
      allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
      allowHeaders: ["Authorization", "Content-Type", "traceparent", "tracestate"],
      allowCredentials: true,
      maxAgeSeconds: 600,
    },
    rateLimit: { average: 100, burst: 200, period: "1s" },
    auth: { mode: "basic", basicAuthSecret: "edge-basic-auth", realm: "kindling", forwardResponseHeaders: ["X-Forwarded-User"] },
    securityHeaders: {
      hstsSeconds: env === "local" ? 0 : 31536000,
      contentSecurityPolicy: "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'self'",
      referrerPolicy: "strict-origin-when-cross-origin",
      permissionsPolicy: "camera=(), microphone=(), geolocation=()",
    },
  }),
  nodePorts: (o) => [
    { port: o.httpNodePort, option: "httpNodePort" },
    { port: o.httpsNodePort, option: "httpsNodePort" },
  ],
  // Basic auth reads htpasswd lines that only their owner can choose: never generated.
  secrets: (_ctx, o) =>
    o.auth.mode === "basic" && Object.values(o.routes).some((r) => r.auth)
      ? [
          {
            namespace: o.appNamespace,
            name: o.auth.basicAuthSecret,
            keys: { users: { description: "htpasswd lines (user:bcrypt-hash), one per line", generate: "manual" } },
          },
        ]
      : [],
  render: (ctx, o) => [
    {
      name: NAME,
      namespace: o.namespace,
      charts: [
        {
          chart: traefikChart,
          release: NAME,
          includeCrds: true,
          values: traefikValues(o, { ambient: ctx.has("istio") }),
          // The chart picks the PodDisruptionBudget API by kind; without this it falls back to policy/v1beta1.
          apiVersions: ["policy/v1/PodDisruptionBudget"],
        },
      ],
    },
    {
      name: TRAEFIK_ROUTES_APP,
      namespace: o.appNamespace,
      objects: edgeRouting(o),
      dependsOn: [NAME, ...routesNamespaceApp(ctx, o)],
    },
  ],
});

/** The app that declares the application namespace (workloads), when present: the routes need the namespace first. */
function routesNamespaceApp(ctx: RenderContext, o: TraefikOptions): string[] {
  if (!ctx.has(workloads.name)) return [];
  return ctx.optionsOf<WorkloadsOptions>(workloads.name).namespace === o.appNamespace ? [WORKLOADS_APP] : [];
}

export interface TraefikMesh {
  /** The Istio ambient mesh is present: Traefik joins it. */
  ambient: boolean;
}

/** Chart values. Every key checked against the chart's own values.yaml and values.schema.json (41.3.0). */
export function traefikValues(o: TraefikOptions, mesh: TraefikMesh = { ambient: false }): Record<string, unknown> {
  // Under the mesh Traefik's pods are enrolled in ambient, so its requests leave through ztunnel (mTLS, HBONE);
  // and it sends them to the Service address instead of straight to pod IPs, because a waypoint serves
  // traffic addressed to a Service: pod-addressed traffic would skip the app namespace's waypoint (L7 policy).
  const nativeLB = mesh.ambient ? { nativeLBByDefault: true } : {};
  return {
    deployment: { replicas: o.replicas, ...(mesh.ambient ? { podLabels: { [AMBIENT_LABEL]: "ambient" } } : {}) },
    // Two or more replicas: keep one serving through node drains and upgrades.
    podDisruptionBudget: o.replicas > 1 ? { enabled: true, maxUnavailable: 1 } : { enabled: false },
    resources: resources(o.resources),
    log: { level: o.logLevel },
    // No calls home from a laptop cluster.
    global: { checkNewVersion: false, sendAnonymousUsage: false },
    providers: {
      // Routes reference middlewares and services of their own namespace only (see lib/traefik-middlewares.ts).
      kubernetesCRD: { allowCrossNamespace: false, allowExternalNameServices: false, ...nativeLB },
      kubernetesIngress: { allowExternalNameServices: false, ...nativeLB },
    },
    // The dashboard stays off the entrypoints; `kubectl port-forward` reaches it when needed.
    ingressRoute: { dashboard: { enabled: false } },
    service: { spec: { type: "NodePort" } },
    ports: {
      web: { nodePort: o.httpNodePort },
      websecure: { nodePort: o.httpsNodePort },
    },
    // The chart's defaults already run as non-root with a read-only root
    // filesystem and no capabilities; kindling states them so a chart
    // upgrade that changed them would show in the diff.
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      readOnlyRootFilesystem: true,
    },
    podSecurityContext: {
      runAsGroup: 65532,
      runAsNonRoot: true,
      runAsUser: 65532,
      seccompProfile: { type: "RuntimeDefault" },
    },
  };
}
