import * as s from "../../config/schema.ts";

/** Option schemas many components share, so a name is checked the same way everywhere. */

/** A DNS-1123 label, the rule Kubernetes applies to namespaces and most object names. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A namespace, checked when the config loads rather than by the API server at apply time. */
export const namespaceOption = s.string({ pattern: DNS_LABEL, patternHint: "a namespace name" });

/** A storage class for a component's volumes; unset leaves the choice to the cluster default. */
export const storageClassOption = s.optional(s.string({ minLength: 1 }));

/** An http(s) URL, for endpoints a component sends to. */
export const httpUrlOption = s.string({ pattern: /^https?:\/\/\S+$/, patternHint: "an http(s) URL" });
