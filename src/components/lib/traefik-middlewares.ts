import type { KubeObject } from "../../model/k8s.ts";
import type { TraefikAuth, TraefikCors, TraefikOptions, TraefikRateLimit, TraefikRoute, TraefikSecurityHeaders } from "../traefik.ts";

/**
 * The edge middlewares and routes, all in the application namespace.
 *
 * Why there and not in `edge`: an IngressRoute may then name its middlewares
 * and services without a namespace, so Traefik's
 * providers.kubernetesCRD.allowCrossNamespace stays false. With it on, any
 * route in any namespace could borrow another namespace's middlewares and
 * services, which is the cross-tenant reach network policy is there to stop.
 */

const API = "traefik.io/v1alpha1";

/** Middleware names; app teams may reference them from their own IngressRoutes in the same namespace. */
export const MIDDLEWARES = {
  securityHeaders: "edge-security-headers",
  cors: "edge-cors",
  rateLimit: "edge-rate-limit",
  auth: "edge-auth",
  /** security headers → CORS → rate limit: for routes that need no login. */
  public: "edge-public",
  /** public + authentication. */
  protected: "edge-protected",
} as const;

/** Entry points every route listens on: plain HTTP (NodePort 30081) and HTTPS. */
export const ROUTE_ENTRY_POINTS = ["web", "websecure"];

function middleware(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: API, kind: "Middleware", metadata: { name }, spec };
}

export function securityHeadersMiddleware(h: TraefikSecurityHeaders): KubeObject {
  return middleware(MIDDLEWARES.securityHeaders, {
    headers: {
      frameDeny: true,
      contentTypeNosniff: true,
      // X-XSS-Protection is deliberately not sent: browsers dropped the filter
      // and its old implementations could be abused; CSP replaces it.
      browserXssFilter: false,
      ...(h.hstsSeconds > 0 ? { stsSeconds: h.hstsSeconds, stsIncludeSubdomains: true, stsPreload: false } : {}),
      contentSecurityPolicy: h.contentSecurityPolicy,
      referrerPolicy: h.referrerPolicy,
      permissionsPolicy: h.permissionsPolicy,
      // An empty value removes the header: do not advertise backend software.
      customResponseHeaders: { "X-Powered-By": "", Server: "" },
    },
  });
}

export function corsMiddleware(c: TraefikCors): KubeObject {
  return middleware(MIDDLEWARES.cors, {
    headers: {
      accessControlAllowOriginList: c.allowOrigins,
      accessControlAllowMethods: c.allowMethods,
      accessControlAllowHeaders: c.allowHeaders,
      accessControlAllowCredentials: c.allowCredentials,
      accessControlMaxAge: c.maxAgeSeconds,
      // Responses differ per Origin; caches must not hand one origin's answer to another.
      addVaryHeader: true,
    },
  });
}

export function rateLimitMiddleware(r: TraefikRateLimit): KubeObject {
  return middleware(MIDDLEWARES.rateLimit, { rateLimit: { average: r.average, burst: r.burst, period: r.period } });
}

/**
 * Basic auth reads its users from a Secret by name only; the Secret is
 * created by the secrets layer (SOPS), so no credential is ever rendered.
 */
export function authMiddleware(a: TraefikAuth): KubeObject {
  if (a.mode === "forward") {
    return middleware(MIDDLEWARES.auth, {
      forwardAuth: {
        address: a.forwardAddress,
        // Only the edge sets X-Forwarded-*: a client must not be able to claim an identity.
        trustForwardHeader: false,
        authResponseHeaders: a.forwardResponseHeaders,
      },
    });
  }
  return middleware(MIDDLEWARES.auth, {
    basicAuth: {
      secret: a.basicAuthSecret,
      realm: a.realm,
      // The backend gets the authenticated user, never the password.
      removeHeader: true,
      headerField: "X-Forwarded-User",
    },
  });
}

/**
 * Order matters. CORS runs before authentication because a browser's
 * preflight (OPTIONS) carries no credentials: Traefik answers it in the CORS
 * middleware. Rate limiting runs before authentication so password guessing
 * is throttled too.
 */
export function chainMiddlewares(): KubeObject[] {
  const ref = (name: string) => ({ name });
  const publicChain = [MIDDLEWARES.securityHeaders, MIDDLEWARES.cors, MIDDLEWARES.rateLimit].map(ref);
  return [
    middleware(MIDDLEWARES.public, { chain: { middlewares: publicChain } }),
    middleware(MIDDLEWARES.protected, { chain: { middlewares: [...publicChain, ref(MIDDLEWARES.auth)] } }),
  ];
}

export function ingressRoute(name: string, route: TraefikRoute): KubeObject {
  const path = route.pathPrefix ?? "/";
  return {
    apiVersion: API,
    kind: "IngressRoute",
    metadata: { name },
    spec: {
      entryPoints: ROUTE_ENTRY_POINTS,
      routes: [
        {
          kind: "Rule",
          match: path === "/" ? `Host(\`${route.host}\`)` : `Host(\`${route.host}\`) && PathPrefix(\`${path}\`)`,
          middlewares: [{ name: route.auth === false ? MIDDLEWARES.public : MIDDLEWARES.protected }],
          services: [{ name: route.service, port: route.port }],
        },
      ],
    },
  };
}

/** Every object of the routes app, in a stable order. */
export function edgeRouting(o: TraefikOptions): KubeObject[] {
  return [
    securityHeadersMiddleware(o.securityHeaders),
    corsMiddleware(o.cors),
    rateLimitMiddleware(o.rateLimit),
    authMiddleware(o.auth),
    ...chainMiddlewares(),
    ...Object.entries(o.routes)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, route]) => ingressRoute(name, route)),
  ];
}
