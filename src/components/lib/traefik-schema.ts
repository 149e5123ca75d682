import * as s from "../../config/schema.ts";

/**
 * Option schemas of the Traefik component that need more than the generic
 * combinators: the messages here are what a user reads when an option is
 * unsafe, so they say why and what to write instead.
 */

/** Runs an extra whole-value check after the inner schema accepted the value. */
export function refine<T>(inner: s.Schema<T>, extra: (value: T, path: string, issues: s.ConfigIssue[]) => void): s.Schema<T> {
  return {
    allowed: inner.allowed,
    doc: inner.doc,
    optional: inner.optional,
    check(value, path, issues) {
      const checked = inner.check(value, path, issues);
      if (checked !== undefined) extra(checked, path, issues);
      return checked;
    },
  };
}

const ORIGIN = /^https?:\/\/(\[[0-9a-fA-F:]+\]|[a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?)(:[0-9]{1,5})?$/;

/**
 * One CORS origin, exactly as browsers send it: scheme, host, optional port,
 * no path. "*" is refused: with it any web page may call the APIs from a
 * visitor's browser, which is the one thing CORS exists to prevent.
 */
const ORIGIN_ALLOWED = 'an origin such as "https://app.example.com" or "http://localhost:3000"';

export const corsOrigin: s.Schema<string> = {
  allowed: ORIGIN_ALLOWED,
  check(value, path, issues) {
    if (value === "*" || (typeof value === "string" && value.includes("*"))) {
      issues.push({
        path,
        message: `${JSON.stringify(value)} would let any web page call these APIs from a visitor's browser; list each allowed origin explicitly, e.g. "https://app.example.com"`,
      });
      return undefined;
    }
    if (typeof value !== "string" || !ORIGIN.test(value)) {
      issues.push({ path, message: `expected ${ORIGIN_ALLOWED} (scheme://host[:port], no path), got ${JSON.stringify(value)}` });
      return undefined;
    }
    return value;
  },
};

/**
 * The name of a Secret. The pattern (a DNS-1123 subdomain) cannot hold an
 * htpasswd line or a token, so a pasted credential is rejected here instead
 * of ending up in manifests-result/.
 */
export function secretName(what: string): s.Schema<string> {
  return s.string({
    pattern: /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/,
    patternHint: `the name of the Secret holding ${what} (a lower-case DNS name), never the ${what} itself`,
  });
}

/** An HTTP(S) URL, for forwardAuth. */
export const httpUrl = s.string({ pattern: /^https?:\/\/\S+$/, patternHint: 'an http(s) URL such as "http://auth.auth.svc:4181"' });

/** A Go duration as Traefik reads it: "1s", "1m", "500ms". */
export const duration = s.string({ pattern: /^[0-9]+(ms|s|m|h)$/, patternHint: 'a duration such as "1s", "1m" or "500ms"' });

/** A host name for a route rule (no scheme, no port, no wildcard). */
export const hostName = s.string({
  pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
  patternHint: 'a host name such as "app.localtest.me" (no scheme, port or wildcard)',
});

/** A path prefix for a route rule. */
export const pathPrefix = s.string({ pattern: /^\/[A-Za-z0-9._~\-/]*$/, patternHint: 'a path starting with "/", e.g. "/api"' });
