import type { TestContext } from "node:test";
import { requireTool } from "../../helpers/tools.ts";
import type { ControlPlaneTools } from "./harness.ts";

const NAMES = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"] as const;

/**
 * The control-plane binaries, or undefined when one is missing (the test is
 * then skipped with the reason; with CI=true it fails instead).
 */
export function controlPlaneTools(t: TestContext): ControlPlaneTools | undefined {
  const found: Partial<ControlPlaneTools> = {};
  for (const name of NAMES) {
    const path = requireTool(t, name);
    if (!path) return undefined;
    found[name] = path;
  }
  return found as ControlPlaneTools;
}
