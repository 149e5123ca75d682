/**
 * Schema validation of rendered Kubernetes objects, used by `kindling build` and
 * `kindling validate`.
 *
 * Where a kind's schema comes from, in order:
 *   1. a CustomResourceDefinition present in the render (its openAPIV3Schema for the
 *      object's version, compiled with ajv and cached by content hash);
 *   2. the kubernetes-models packages: built-in kinds, Istio, Argo CD, Traefik,
 *      Prometheus operator, Gateway API (precompiled validators, imported lazily);
 *   3. kindling's own schemas for Cilium's CiliumNetworkPolicy and
 *      CiliumClusterwideNetworkPolicy (./cilium.ts).
 * A kind with none of these is an issue. On top of the schema, metadata is checked
 * the way the API server does (names, namespace, labels, annotations), fields the
 * schema does not know are reported, and API versions Kubernetes no longer serves
 * are flagged.
 *
 * Usage:
 *   const validator = await createValidator(objects); // the whole render: CRDs + the kinds to preload
 *   for (const obj of objects) report(obj, validator.validate(obj));
 *
 * `validate` is synchronous; the schema modules it needs are imported by
 * createValidator (for the objects passed to it) or by `prepare`.
 */
import { type KubeObject, splitApiVersion } from "../model/k8s.ts";
import { isPlainObject } from "../model/plain.ts";
import { ciliumCrds, ciliumPolicyIssues } from "./cilium.ts";
import { type CompiledSchema, type CrdInfo, type CrdVersion, compileSchema, isCrdObject, parseCrd } from "./crd.ts";
import { describeValue, sortIssues, toIssues } from "./errors.ts";
import { checkCrdName, checkMetadata, nameRuleFor } from "./metadata.ts";
import { loadedModel, loadModel, modelFile, modelPackage, modelVersionsOf } from "./models.ts";
import { removedApiMessage, scopeFromTables } from "./scope.ts";
import type { AjvLikeError, SchemaIssue, SchemaSource } from "./types.ts";

export type { SchemaIssue, SchemaSource } from "./types.ts";

export interface ObjectValidator {
  /** Issues for one object; [] when valid. Unknown apiVersion/kind (no schema known and no CRD in the render) is an issue too. */
  validate(obj: KubeObject): SchemaIssue[];
  /** true if the kind is cluster-scoped, false if namespaced, undefined if unknown. Built-in knowledge + the scope of the render's CRDs. */
  isClusterScoped(apiVersion: string, kind: string): boolean | undefined;
  /** Imports the schema modules for these objects' kinds. createValidator already did this for the objects given to it. */
  prepare(objects: Iterable<{ apiVersion?: unknown; kind?: unknown }>): Promise<void>;
  /** Which schema validates this kind: "crd" (from the render), "kubernetes-models", "kindling" (own), or undefined (none). */
  schemaSource(apiVersion: string, kind: string): SchemaSource | undefined;
}

export interface ValidatorOptions {
  /** Report fields the schema does not define (default true). */
  unknownFields?: boolean;
}

/** Thrown by validate() for a kind whose schema exists but was not imported: pass the object to createValidator() or await prepare([obj]) first. */
export class SchemaNotLoadedError extends Error {
  override name = "SchemaNotLoadedError";
}

/**
 * Scope of a kind from kindling's built-in knowledge (without the render's CRDs):
 * cluster-scoped tables (Namespace, ClusterRole, CRD, StorageClass, GatewayClass,
 * CiliumClusterwideNetworkPolicy, ClusterIssuer, ...), namespaced tables, and any
 * other kind with a model in the schema packages is namespaced. undefined if unknown.
 */
export function isClusterScopedBuiltin(apiVersion: string, kind: string): boolean | undefined {
  const known = scopeFromTables(apiVersion, kind);
  if (known !== undefined) return known;
  return modelFile(apiVersion, kind) ? false : undefined;
}

/**
 * A validator for one render. `objects` may be the whole render or just its
 * CustomResourceDefinitions: CRDs among them provide schemas (and scopes) for their
 * custom kinds, and the schema modules of every kind present are imported now so
 * validate() can run synchronously.
 */
export async function createValidator(objects: readonly KubeObject[] = [], options: ValidatorOptions = {}): Promise<ObjectValidator> {
  const crds: CrdInfo[] = [];
  for (const obj of objects) {
    if (obj && isCrdObject(obj)) {
      const info = parseCrd(obj);
      if (info) crds.push(info);
    }
  }
  const validator = new Validator(crds, options);
  await validator.prepare(objects);
  return validator;
}

export interface ObjectIssues {
  object: KubeObject;
  issues: SchemaIssue[];
}

/** Validates a whole render; returns only the objects that have issues, in input order. */
export async function validateObjects(objects: readonly KubeObject[], options: ValidatorOptions = {}): Promise<ObjectIssues[]> {
  const validator = await createValidator(objects, options);
  const out: ObjectIssues[] = [];
  for (const object of objects) {
    const issues = validator.validate(object);
    if (issues.length > 0) out.push({ object, issues });
  }
  return out;
}

// ---------------------------------------------------------------------------

type Resolved =
  | { type: "crd"; crd: CrdInfo; version: CrdVersion }
  | { type: "model"; validate: NonNullable<ReturnType<typeof loadedModel>> }
  | { type: "issue"; message: string };

function groupKind(apiVersion: string, kind: string): string {
  return `${splitApiVersion(apiVersion).group}/${kind}`;
}

const builtinCrds = new Map(ciliumCrds().map((c) => [`${c.group}/${c.kind}`, c]));

class Validator implements ObjectValidator {
  private readonly crds = new Map<string, CrdInfo>();
  private readonly compiled = new WeakMap<CrdVersion, CompiledSchema>();
  private readonly unknownFields: boolean;

  constructor(crds: readonly CrdInfo[], options: ValidatorOptions) {
    for (const crd of crds) {
      const key = `${crd.group}/${crd.kind}`;
      if (!this.crds.has(key)) this.crds.set(key, crd);
    }
    this.unknownFields = options.unknownFields !== false;
  }

  private crdFor(apiVersion: string, kind: string): CrdInfo | undefined {
    return this.crds.get(groupKind(apiVersion, kind));
  }

  private compile(version: CrdVersion): CompiledSchema {
    let result = this.compiled.get(version);
    if (!result) {
      result = compileSchema(version.schema);
      this.compiled.set(version, result);
    }
    return result;
  }

  async prepare(objects: Iterable<{ apiVersion?: unknown; kind?: unknown }>): Promise<void> {
    const seen = new Set<string>();
    const loads: Promise<void>[] = [];
    for (const obj of objects) {
      if (!obj || typeof obj.apiVersion !== "string" || typeof obj.kind !== "string") continue;
      const key = `${obj.apiVersion}\u0000${obj.kind}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const crd =
        this.crdFor(obj.apiVersion, obj.kind) ??
        (modelFile(obj.apiVersion, obj.kind) ? undefined : builtinCrds.get(groupKind(obj.apiVersion, obj.kind)));
      if (crd) {
        // Compile now so validate() timings are steady-state.
        const version = crd.versions.get(splitApiVersion(obj.apiVersion).version);
        if (version?.served) this.compile(version);
        continue;
      }
      loads.push(loadModel(obj.apiVersion, obj.kind));
    }
    await Promise.all(loads);
  }

  schemaSource(apiVersion: string, kind: string): SchemaSource | undefined {
    if (this.crdFor(apiVersion, kind)) return "crd";
    if (modelFile(apiVersion, kind)) return "kubernetes-models";
    if (builtinCrds.has(groupKind(apiVersion, kind))) return "kindling";
    return undefined;
  }

  isClusterScoped(apiVersion: string, kind: string): boolean | undefined {
    const crd = this.crdFor(apiVersion, kind) ?? builtinCrds.get(groupKind(apiVersion, kind));
    if (crd) return crd.scope === "Cluster";
    return isClusterScopedBuiltin(apiVersion, kind);
  }

  private resolve(apiVersion: string, kind: string): Resolved {
    const { version } = splitApiVersion(apiVersion);
    const crd = this.crdFor(apiVersion, kind) ?? (modelFile(apiVersion, kind) ? undefined : builtinCrds.get(groupKind(apiVersion, kind)));
    if (crd) {
      const v = crd.versions.get(version);
      const served = [...crd.versions.values()].filter((x) => x.served).map((x) => x.name);
      if (!v) {
        return {
          type: "issue",
          message: `CRD ${crd.name} does not define version ${version} of ${kind} (served: ${served.join(", ") || "none"})`,
        };
      }
      if (!v.served) {
        return {
          type: "issue",
          message: `version ${version} of ${kind} is not served by CRD ${crd.name} (served: ${served.join(", ") || "none"})`,
        };
      }
      return { type: "crd", crd, version: v };
    }
    const model = loadedModel(apiVersion, kind);
    if (model) return { type: "model", validate: model };
    if (modelFile(apiVersion, kind)) {
      throw new SchemaNotLoadedError(
        `kindling validate: the ${modelPackage(apiVersion, kind)} schema for ${apiVersion} ${kind} was not loaded: pass the object to createValidator() or await validator.prepare([obj]) first`,
      );
    }
    const others = modelVersionsOf(apiVersion, kind).filter((v) => !removedApiMessage(v, kind));
    const hint = others.length > 0 ? ` (known: ${others.map((v) => `${v} ${kind}`).join(", ")})` : "";
    return {
      type: "issue",
      message: `no schema for ${apiVersion} ${kind}${hint}: add its CustomResourceDefinition to the render, or check apiVersion and kind`,
    };
  }

  validate(obj: KubeObject): SchemaIssue[] {
    if (!isPlainObject(obj)) return [{ path: "", message: `must be an object, got ${describeValue(obj)}` }];
    const { apiVersion, kind } = obj as { apiVersion: unknown; kind: unknown };
    const head: SchemaIssue[] = [];
    for (const [field, value] of [
      ["apiVersion", apiVersion],
      ["kind", kind],
    ] as const) {
      if (value === undefined || value === null || value === "") head.push({ path: "", message: `missing required field "${field}"` });
      else if (typeof value !== "string") head.push({ path: field, message: `must be string, got ${describeValue(value)}` });
    }
    if (typeof apiVersion !== "string" || typeof kind !== "string" || head.length > 0) {
      return [...head, ...checkMetadata(obj, { nameRule: "subdomain", schemaTypesMetadata: false })];
    }

    const { group } = splitApiVersion(apiVersion);
    const nameRule = nameRuleFor(group, kind);
    const removed = removedApiMessage(apiVersion, kind);
    if (removed) {
      return [{ path: "apiVersion", message: removed }, ...checkMetadata(obj, { nameRule, schemaTypesMetadata: false })];
    }

    const resolved = this.resolve(apiVersion, kind);
    let issues: SchemaIssue[];
    let schemaTypesMetadata = false;
    switch (resolved.type) {
      case "issue":
        issues = [{ path: "", message: resolved.message }];
        break;
      case "model":
        schemaTypesMetadata = true;
        issues = toIssues(resolved.validate(obj, this.unknownFields), obj);
        break;
      case "crd": {
        const compiled = this.compile(resolved.version);
        if (!compiled.validate) {
          issues = [
            {
              path: "",
              message: `cannot validate: the schema of ${resolved.version.name} in CRD ${resolved.crd.name} does not compile: ${compiled.error}`,
            },
          ];
          break;
        }
        let errors: AjvLikeError[] = compiled.validate(obj);
        if (!this.unknownFields) errors = errors.filter((e) => e.keyword !== "additionalProperties");
        issues = toIssues(errors, obj);
        break;
      }
    }

    issues.push(...checkMetadata(obj, { nameRule, schemaTypesMetadata }));
    if (group === "apiextensions.k8s.io" && kind === "CustomResourceDefinition") issues.push(...checkCrdName(obj));
    if (group === "cilium.io" && (kind === "CiliumNetworkPolicy" || kind === "CiliumClusterwideNetworkPolicy")) {
      issues.push(...ciliumPolicyIssues(obj));
    }
    return dedupe(issues);
  }
}

function dedupe(issues: SchemaIssue[]): SchemaIssue[] {
  const seen = new Set<string>();
  return sortIssues(issues).filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
