/**
 * Kustomize inputs rendered by the real kustomize built into kubectl
 * (`kubectl kustomize <dir>`), so overlays behave exactly as they would for
 * anyone running kubectl by hand.
 */
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { kubeObjectsIn } from "../helm/objects.ts";
import type { KubeObject } from "../model/k8s.ts";
import { locateTool } from "../tools/locate.ts";
import { runTool } from "../tools/run.ts";

/** A kustomization that cannot be rendered; names the directory and the fix. */
export class KustomizeError extends Error {
  constructor(
    readonly dir: string,
    message: string,
    readonly hint: string,
  ) {
    super(`${message}; ${hint}`);
    this.name = "KustomizeError";
  }
}

const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

export async function renderKustomization(dir: string): Promise<KubeObject[]> {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) {
    throw new KustomizeError(abs, `kustomization directory ${abs} does not exist`, "check the path the component declares");
  }
  if (!KUSTOMIZATION_FILES.some((f) => existsSync(join(abs, f)))) {
    throw new KustomizeError(abs, `${abs} has no kustomization.yaml`, "point the component at the directory that holds kustomization.yaml");
  }
  const kubectl = locateTool("kubectl");
  if (!kubectl) {
    throw new KustomizeError(
      abs,
      `cannot render ${abs}: kubectl is neither in the kindling tool cache nor on PATH`,
      "run `scripts/tools/install.sh` or set KINDLING_KUBECTL_BIN",
    );
  }
  const { code, stdout, stderr } = await run(kubectl, ["kustomize", abs]);
  if (code !== 0) {
    throw new KustomizeError(
      abs,
      `kubectl kustomize ${abs} failed:\n  ${stderr.trim().split("\n").join("\n  ")}`,
      "fix the kustomization named above",
    );
  }
  const where = (index: number) => `kustomize output of ${abs}, document ${index}`;
  try {
    return kubeObjectsIn(stdout, where, () => ({ kind: "kustomize", dir: abs }));
  } catch (e) {
    throw new KustomizeError(abs, (e as Error).message, "fix the kustomization named above");
  }
}

const KUSTOMIZE_TIMEOUT_MS = 120_000;

async function run(bin: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // A kustomization with a remote base can hang on a dead network: give up after two minutes.
  const result = await runTool(bin, args, { timeoutMs: KUSTOMIZE_TIMEOUT_MS }).catch((e: Error) => {
    throw new Error(`cannot start ${bin}: ${e.message}`);
  });
  const timedOut = result.signal === "SIGTERM" && result.code === null;
  return { ...result, stderr: timedOut ? `timed out after ${KUSTOMIZE_TIMEOUT_MS / 1000}s` : result.stderr };
}
