import * as s from "../../config/schema.ts";

/**
 * The tunnel token must never reach the config: the config is committed, and
 * everything it holds can end up in manifests-result/. So the component has no
 * option for the token itself, names a Secret instead, and these schemas turn
 * the two ways a token gets pasted anyway into a clear error.
 */

/** Fields that people reach for when they have a token in hand. */
const TOKEN_FIELDS = ["token", "tunnelToken", "credentials"];

const TOKEN_MESSAGE =
  "a tunnel token never goes into the config (it would be written to manifests-result/ and to git): put it into the Secret named by tokenSecret.name, encrypted with SOPS (see docs/ingress.md)";

/** Wraps the options schema so a literal token field gets a message that says where the token goes instead. */
export function rejectingLiteralTokens<T>(inner: s.ObjectSchema<T>): s.ObjectSchema<T> {
  return {
    ...inner,
    check(value, path, issues) {
      if (s.isPlainObject(value)) {
        const pasted = TOKEN_FIELDS.filter((f) => f in value);
        if (pasted.length > 0) {
          for (const f of pasted) issues.push({ path: `${path}.${f}`, message: TOKEN_MESSAGE });
          const { token: _t, tunnelToken: _tt, credentials: _c, ...rest } = value;
          inner.check(rest, path, issues);
          return undefined;
        }
      }
      return inner.check(value, path, issues);
    },
  };
}

/**
 * Tunnel tokens are base64 of a JSON object, so they start with "eyJ"; a
 * Secret name is a lower-case DNS name of at most 253 characters.
 */
export const tokenSecretName: s.Schema<string> = {
  allowed: "the name of the Secret holding the tunnel token (a lower-case DNS name)",
  check(value, path, issues) {
    if (typeof value === "string" && (/^eyJ/i.test(value) || value.length > 253)) {
      issues.push({ path, message: `this looks like a tunnel token, not a Secret name; ${TOKEN_MESSAGE}` });
      return undefined;
    }
    return s
      .string({
        pattern: /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
        patternHint: "the name of the Secret holding the tunnel token (a lower-case DNS name)",
      })
      .check(value, path, issues);
  },
};

/** A key inside that Secret. */
export const secretKey = s.string({ pattern: /^[-._a-zA-Z0-9]{1,253}$/, patternHint: 'a Secret key such as "token"' });
