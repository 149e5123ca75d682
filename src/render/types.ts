import type { KubeObject } from "../model/k8s.ts";
import type { SecretRequirement } from "../secrets/types.ts";

/**
 * CRDs go first (custom resources need them), then namespaces (namespaced
 * objects need them), then everything else. The bootstrap engine and Argo CD
 * sync waves both follow this order.
 */
export type ObjectClass = "crd" | "namespace" | "object";

export interface RenderedObject {
  object: KubeObject;
  class: ObjectClass;
  /** Where the object came from, for messages: "typed", "chart traefik: templates/deployment.yaml", "file apps/x.yaml". */
  source: string;
  /** File name inside the app folder: "<Kind>-<name>.yaml". */
  file: string;
  /** The YAML written to that file. */
  content: string;
}

export interface RenderedApp {
  name: string;
  namespace: string;
  dependsOn: string[];
  /** Argo CD sync wave: the app's depth in the dependency graph. */
  syncWave: number;
  objects: RenderedObject[];
  /** sha256 over the app's files (names and bytes); changes exactly when the output changes. */
  hash: string;
}

export interface RenderedEnvironment {
  platform: string;
  env: string;
  profile: string;
  apps: RenderedApp[];
  /** The Argo CD Application of each app, written to apps/. */
  applications: RenderedObject[];
  /** Secrets the components need but never render (names and keys only; values live in secrets/<env>.sops.yaml). */
  secrets?: SecretRequirement[];
  /** Cluster settings the Kind config must match (kube-proxy is off when Cilium replaces it). */
  cluster?: { kubeProxyMode?: "none" };
}

/** One problem with one rendered object. */
export interface ObjectIssue {
  env: string;
  app: string;
  kind: string;
  name: string;
  namespace?: string;
  source: string;
  /** Field path inside the object, "" for the whole object. */
  path: string;
  message: string;
}

export class ValidationError extends Error {
  constructor(readonly issues: ObjectIssue[]) {
    super(
      `${issues.length} invalid object field(s):\n${issues
        .map(
          (i) =>
            `  ${i.env}/${i.app}: ${i.kind} ${i.namespace ? `${i.namespace}/` : ""}${i.name}${i.path ? ` at ${i.path}` : ""}: ${i.message} (from ${i.source})`,
        )
        .join("\n")}`,
    );
    this.name = "ValidationError";
  }
}
