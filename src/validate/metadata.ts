/**
 * Checks on metadata that the API server performs but the OpenAPI schemas do not
 * express: name syntax per kind, namespace syntax, label and annotation syntax and
 * sizes. For objects whose schema does not type metadata (custom resources), the
 * field types and unknown metadata fields are checked here too.
 */

import { isPlainObject } from "../model/plain.ts";
import { joinIndex, joinKey, preview, typeMessage, unknownFieldMessage } from "./errors.ts";
import type { SchemaIssue } from "./types.ts";

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const MAX_ANNOTATIONS_BYTES = 256 * 1024;

const OBJECT_META_FIELDS: readonly string[] = [
  "name",
  "generateName",
  "namespace",
  "selfLink",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "labels",
  "annotations",
  "ownerReferences",
  "finalizers",
  "managedFields",
];

/** How the API server validates metadata.name for a kind. */
export type NameRule = "subdomain" | "label" | "dns1035" | "path-segment";

const PATH_SEGMENT_KINDS = new Set(["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"]);

export function nameRuleFor(group: string, kind: string): NameRule {
  if (group === "" && kind === "Namespace") return "label";
  if (group === "" && kind === "Service") return "dns1035";
  if (group === "rbac.authorization.k8s.io" && PATH_SEGMENT_KINDS.has(kind)) return "path-segment";
  return "subdomain";
}

/** undefined if valid, else the reason (without the value). */
function checkDns1123Subdomain(value: string): string | undefined {
  if (value.length > 253) return "must be no more than 253 characters";
  if (!DNS1123_SUBDOMAIN.test(value)) {
    return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')";
  }
  return undefined;
}

function checkDns1123Label(value: string): string | undefined {
  if (value.length > 63) return "must be no more than 63 characters";
  if (!DNS1123_LABEL.test(value)) {
    return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name')";
  }
  return undefined;
}

function checkDns1035Label(value: string): string | undefined {
  if (value.length > 63) return "must be no more than 63 characters";
  if (!DNS1035_LABEL.test(value)) {
    return "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name')";
  }
  return undefined;
}

function checkPathSegment(value: string): string | undefined {
  if (value === "." || value === "..") return `may not be '${value}'`;
  if (value.includes("/")) return "may not contain '/'";
  if (value.includes("%")) return "may not contain '%'";
  return undefined;
}

function checkName(value: string, rule: NameRule): string | undefined {
  switch (rule) {
    case "label":
      return checkDns1123Label(value);
    case "dns1035":
      return checkDns1035Label(value);
    case "path-segment":
      return checkPathSegment(value);
    default:
      return checkDns1123Subdomain(value);
  }
}

/** Label and annotation keys: an optional DNS subdomain prefix and a name part. */
function checkQualifiedName(key: string): string | undefined {
  const slash = key.indexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined) {
    if (prefix.length === 0) return "prefix part must be non-empty";
    const bad = checkDns1123Subdomain(prefix);
    if (bad) return `prefix part ${bad}`;
    if (name.includes("/")) return "a qualified name may contain at most one '/'";
  }
  if (name.length === 0) return "name part must be non-empty";
  if (name.length > 63) return "name part must be no more than 63 characters";
  if (!QUALIFIED_NAME_PART.test(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', 'my.name' or '123-abc')";
  }
  return undefined;
}

function checkLabelValue(value: string): string | undefined {
  if (value.length > 63) return "must be no more than 63 characters";
  if (!LABEL_VALUE.test(value)) {
    return "a valid label value must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', 'my_value' or '12345')";
  }
  return undefined;
}

export interface MetadataCheckOptions {
  /** How metadata.name is validated for this kind. */
  nameRule: NameRule;
  /**
   * True when the object's schema already types metadata (kubernetes-models' ObjectMeta):
   * then type errors and unknown metadata fields are left to it.
   */
  schemaTypesMetadata: boolean;
}

function typeIssue(path: string, expected: string, value: unknown): SchemaIssue {
  return { path, message: typeMessage([expected], value) };
}

function checkStringMap(
  map: unknown,
  path: string,
  what: "label" | "annotation",
  options: MetadataCheckOptions,
  issues: SchemaIssue[],
): void {
  if (map === undefined || map === null) return;
  if (!isPlainObject(map)) {
    if (!options.schemaTypesMetadata) issues.push(typeIssue(path, "object", map));
    return;
  }
  let bytes = 0;
  for (const [key, value] of Object.entries(map)) {
    const keyPath = joinKey(path, key);
    const badKey = checkQualifiedName(key);
    if (badKey) issues.push({ path: keyPath, message: `invalid ${what} key ${JSON.stringify(key)}: ${badKey}` });
    if (typeof value !== "string") {
      if (!options.schemaTypesMetadata) issues.push(typeIssue(keyPath, "string", value));
      continue;
    }
    bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
    if (what === "label") {
      const badValue = checkLabelValue(value);
      if (badValue) issues.push({ path: keyPath, message: `invalid label value ${preview(value)}: ${badValue}` });
    }
  }
  if (what === "annotation" && bytes > MAX_ANNOTATIONS_BYTES) {
    issues.push({ path, message: `annotations are too long: ${bytes} bytes, must have at most ${MAX_ANNOTATIONS_BYTES} bytes` });
  }
}

/** Issues in obj.metadata (paths start with "metadata"). */
export function checkMetadata(obj: Record<string, unknown>, options: MetadataCheckOptions): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const metadata = obj.metadata;
  if (metadata === undefined || metadata === null) {
    return [{ path: "", message: 'missing required field "metadata"' }];
  }
  if (!isPlainObject(metadata)) {
    return options.schemaTypesMetadata ? [] : [typeIssue("metadata", "object", metadata)];
  }

  const { name, generateName, namespace } = metadata;
  if (name === undefined || name === null || name === "") {
    const note = typeof generateName === "string" ? " (generateName does not work with kubectl apply)" : "";
    issues.push({ path: "metadata", message: `missing required field "name"${note}` });
  } else if (typeof name !== "string") {
    if (!options.schemaTypesMetadata) issues.push(typeIssue("metadata.name", "string", name));
  } else {
    const bad = checkName(name, options.nameRule);
    if (bad) issues.push({ path: "metadata.name", message: `invalid name ${preview(name)}: ${bad}` });
  }

  if (namespace !== undefined && namespace !== null && namespace !== "") {
    if (typeof namespace !== "string") {
      if (!options.schemaTypesMetadata) issues.push(typeIssue("metadata.namespace", "string", namespace));
    } else {
      const bad = checkDns1123Label(namespace);
      if (bad) issues.push({ path: "metadata.namespace", message: `invalid namespace ${preview(namespace)}: ${bad}` });
    }
  }

  checkStringMap(metadata.labels, "metadata.labels", "label", options, issues);
  checkStringMap(metadata.annotations, "metadata.annotations", "annotation", options, issues);

  if (!options.schemaTypesMetadata) {
    for (const field of ["generateName", "uid", "resourceVersion"] as const) {
      const value = metadata[field];
      if (value !== undefined && value !== null && typeof value !== "string") {
        issues.push(typeIssue(joinKey("metadata", field), "string", value));
      }
    }
    const finalizers = metadata.finalizers;
    if (finalizers !== undefined && finalizers !== null) {
      if (!Array.isArray(finalizers)) issues.push(typeIssue("metadata.finalizers", "array", finalizers));
      else
        finalizers.forEach((f, i) => {
          if (typeof f !== "string") issues.push(typeIssue(joinIndex("metadata.finalizers", i), "string", f));
        });
    }
    const owners = metadata.ownerReferences;
    if (owners !== undefined && owners !== null) {
      if (!Array.isArray(owners)) issues.push(typeIssue("metadata.ownerReferences", "array", owners));
      else
        owners.forEach((ref, i) => {
          const path = joinIndex("metadata.ownerReferences", i);
          if (!isPlainObject(ref)) {
            issues.push(typeIssue(path, "object", ref));
            return;
          }
          for (const field of ["apiVersion", "kind", "name", "uid"]) {
            if (typeof ref[field] !== "string") issues.push({ path, message: `missing required field "${field}"` });
          }
        });
    }
    for (const key of Object.keys(metadata)) {
      if (!OBJECT_META_FIELDS.includes(key)) {
        issues.push({ path: joinKey("metadata", key), message: unknownFieldMessage(key, OBJECT_META_FIELDS) });
      }
    }
  }
  return issues;
}

/** CustomResourceDefinition names must be "<plural>.<group>". */
export function checkCrdName(obj: Record<string, unknown>): SchemaIssue[] {
  const metadata = obj.metadata;
  const spec = obj.spec;
  if (!isPlainObject(metadata) || !isPlainObject(spec)) return [];
  const names = spec.names;
  const plural = isPlainObject(names) ? names.plural : undefined;
  if (typeof metadata.name !== "string" || typeof plural !== "string" || typeof spec.group !== "string") return [];
  const expected = `${plural}.${spec.group}`;
  if (metadata.name === expected) return [];
  return [{ path: "metadata.name", message: `must be spec.names.plural + "." + spec.group: ${JSON.stringify(expected)}` }];
}
