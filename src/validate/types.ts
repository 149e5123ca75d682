/** Types shared by the validation modules. The public surface is re-exported from ./index.ts. */

export interface SchemaIssue {
  /**
   * Field path inside the object, JavaScript-ish: "spec.template.spec.containers[0].ports[0].containerPort".
   * Keys that are not plain identifiers are quoted: metadata.labels["app.kubernetes.io/name"].
   * "" means the object itself.
   */
  path: string;
  /** Human readable, e.g. `must be integer, got string "80"`. */
  message: string;
}

/** The subset of an ajv ErrorObject the formatter reads (kubernetes-models emits the same shape). */
export interface AjvLikeError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  schemaPath?: string;
  message?: string;
  /** Present when the validator was compiled with `verbose: true` (our own ajv instance). */
  schema?: unknown;
  parentSchema?: unknown;
}

/** A compiled validator: returns ajv-style errors, [] when valid. `unknownFields: false` skips unknown-field detection where that costs extra. */
export type RawValidate = (data: unknown, unknownFields?: boolean) => AjvLikeError[];

/** Where the schema that validated an object came from. */
export type SchemaSource = "crd" | "kubernetes-models" | "kindling";

export type Scope = "Cluster" | "Namespaced";
