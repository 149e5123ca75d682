import { readFile } from "node:fs/promises";
import { basename, join, relative } from "node:path";
import { parse as parseYaml } from "yaml";
import type { KubeObject } from "../model/k8s.ts";
import { hashFiles } from "../render/hash.ts";
import type { ObjectClass, RenderedEnvironment, RenderedObject } from "../render/types.ts";
import { APPLICATIONS_DIR, BUILD_INFO_FILE } from "../render/write.ts";
import { ClusterError } from "./errors.ts";

/** One rendered object as the engine applies it. */
export interface DesiredObject {
  app: string;
  class: ObjectClass;
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  /** Path for messages, relative to the working directory: "manifests-result/local/edge/Deployment-traefik.yaml". */
  file: string;
  /** The YAML as written. */
  text: string;
  /** Parsed on first use: a warm `up` that changes nothing never parses a single file. */
  readonly object: KubeObject;
}

export interface DesiredApp {
  name: string;
  namespace: string;
  dependsOn: string[];
  syncWave: number;
  /** sha256 over the app's files, recomputed from the bytes on disk (build.json's value is not trusted blindly). */
  hash: string;
  objects: DesiredObject[];
}

export interface DesiredEnvironment {
  dir: string;
  platform: string;
  env: string;
  profile: string;
  apps: DesiredApp[];
  /** The Argo CD Application of each app (apps/), applied only where Argo CD runs. */
  applications: DesiredObject[];
  /** Secrets the components read (names and keys; values come from secrets/<env>.sops.yaml at bootstrap). */
  secrets?: RequiredSecret[];
  /** Settings the Kind cluster config must match (build.json "cluster"). */
  cluster?: { kubeProxyMode?: "none" };
}

export interface RequiredSecret {
  namespace: string;
  name: string;
  keys: string[];
}

interface BuildInfo {
  platform: string;
  env: string;
  profile: string;
  secrets?: RequiredSecret[];
  cluster?: { kubeProxyMode?: "none" };
  apps: {
    name: string;
    namespace: string;
    dependsOn: string[];
    syncWave: number;
    hash: string;
    objects: { file: string; class: ObjectClass; apiVersion: string; kind: string; name: string; namespace?: string }[];
  }[];
}

/**
 * Reads manifests-result/<env>/ as `kindling build` wrote it: build.json for
 * the app graph, the YAML files for the objects. The cluster layer never
 * renders; this is its only input.
 */
export async function readRendered(dir: string): Promise<DesiredEnvironment> {
  let info: BuildInfo;
  try {
    info = JSON.parse(await readFile(join(dir, BUILD_INFO_FILE), "utf8")) as BuildInfo;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      throw new ClusterError(`no rendered manifests in ${dir} (${BUILD_INFO_FILE} is missing)`, "run `kindling build --env <env>` first");
    }
    throw err;
  }
  const apps = await Promise.all(
    info.apps.map(async (a): Promise<DesiredApp> => {
      const objects = await Promise.all(
        a.objects.map(async (o) => {
          const path = join(dir, a.name, o.file);
          const text = await readFile(path, "utf8");
          return desiredObject(a.name, o, path, text);
        }),
      );
      const hash = hashFiles(a.objects.map((o, i) => ({ file: o.file, content: (objects[i] as DesiredObject).text })));
      return { name: a.name, namespace: a.namespace, dependsOn: a.dependsOn, syncWave: a.syncWave, hash, objects };
    }),
  );
  const applications = await Promise.all(
    info.apps.map(async (a) => {
      const file = `Application-${a.name}.yaml`;
      const path = join(dir, APPLICATIONS_DIR, file);
      const text = await readFile(path, "utf8").catch(() => undefined);
      if (text === undefined) return undefined;
      const meta = { class: "object" as const, apiVersion: "argoproj.io/v1alpha1", kind: "Application", name: a.name, namespace: "argocd" };
      return desiredObject(APPLICATIONS_DIR, meta, path, text);
    }),
  );
  return withGitopsApp({
    dir,
    platform: info.platform,
    env: info.env,
    profile: info.profile,
    apps,
    applications: applications.filter((a): a is DesiredObject => a !== undefined),
    secrets: info.secrets ?? [],
    cluster: info.cluster ?? {},
  });
}

function desiredObject(
  app: string,
  meta: { class: ObjectClass; apiVersion: string; kind: string; name: string; namespace?: string },
  path: string,
  text: string,
): DesiredObject {
  let parsed: KubeObject | undefined;
  const file = displayPath(path);
  return {
    app,
    class: meta.class,
    apiVersion: meta.apiVersion,
    kind: meta.kind,
    name: meta.name,
    namespace: meta.namespace,
    file,
    text,
    get object(): KubeObject {
      if (!parsed) {
        parsed = parseYaml(text) as KubeObject;
        if (!parsed || typeof parsed !== "object" || !parsed.metadata) {
          throw new ClusterError(
            `${file} does not hold a Kubernetes object`,
            "re-run `kindling build`; files in manifests-result/ are generated",
          );
        }
      }
      return parsed;
    },
  };
}

/** Relative to the working directory when below it ("manifests-result/local/…"), absolute otherwise. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith("..") ? rel : path;
}

/** Every container image the rendered pods use, for preloading into Kind. */
export function imagesOf(env: DesiredEnvironment): string[] {
  const images = new Set<string>();
  const visit = (node: unknown, key?: string): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item, key);
    } else if (node && typeof node === "object") {
      const record = node as Record<string, unknown>;
      if ((key === "containers" || key === "initContainers") && typeof record.image === "string") images.add(record.image);
      for (const [k, v] of Object.entries(record)) visit(v, k);
    }
  };
  for (const app of env.apps) for (const o of app.objects) if (/image:/.test(o.text)) visit(o.object);
  return [...images].sort();
}

/**
 * The same view of an environment rendered in memory (`build({ write: false })`),
 * for commands that only compare — status and diff — and must not rewrite
 * manifests-result/. File paths are where `kindling build` would write them.
 */
export function fromRendered(env: RenderedEnvironment, outDir: string): DesiredEnvironment {
  const dir = join(outDir, env.env);
  const toDesired = (app: string, folder: string, o: RenderedObject): DesiredObject => ({
    app,
    class: o.class,
    apiVersion: o.object.apiVersion,
    kind: o.object.kind,
    name: o.object.metadata.name,
    namespace: o.object.metadata.namespace,
    file: displayPath(join(dir, folder, o.file)),
    text: o.content,
    object: o.object,
  });
  return withGitopsApp({
    dir,
    platform: env.platform,
    env: env.env,
    profile: env.profile,
    apps: env.apps.map((a) => ({
      name: a.name,
      namespace: a.namespace,
      dependsOn: a.dependsOn,
      syncWave: a.syncWave,
      hash: a.hash,
      objects: a.objects.map((o) => toDesired(a.name, a.name, o)),
    })),
    applications: env.applications.map((o) => toDesired(APPLICATIONS_DIR, APPLICATIONS_DIR, o)),
    cluster: env.cluster ?? {},
    secrets: (env.secrets ?? []).map((s) => ({ namespace: s.namespace, name: s.name, keys: Object.keys(s.keys).sort() })),
  });
}

/**
 * Where Argo CD is part of the environment (its Application CRD is
 * rendered), the Argo CD Applications of apps/ become one more app, applied
 * after all others and ready when Argo CD reports every one Healthy.
 */
export const GITOPS_APP = "argocd-applications";

export function usesArgoCd(env: DesiredEnvironment): boolean {
  return env.apps.some((a) => a.objects.some((o) => o.class === "crd" && o.name === "applications.argoproj.io"));
}

export function withGitopsApp(env: DesiredEnvironment): DesiredEnvironment {
  if (!usesArgoCd(env) || env.applications.length === 0) return env;
  const app: DesiredApp = {
    name: GITOPS_APP,
    namespace: "argocd",
    dependsOn: env.apps.map((a) => a.name),
    syncWave: Math.max(0, ...env.apps.map((a) => a.syncWave)) + 1,
    // By file name: o.file is a display path, relative to the working directory, which is no content.
    hash: hashFiles(env.applications.map((o) => ({ file: basename(o.file), content: o.text }))),
    objects: env.applications,
  };
  return { ...env, apps: [...env.apps, app] };
}
