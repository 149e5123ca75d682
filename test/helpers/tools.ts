import type { TestContext } from "node:test";
import { locateTool } from "../../src/tools/locate.ts";

/**
 * Finds a tool a test needs. Outside CI a missing tool skips the test with
 * the reason; with CI=true it fails: CI installs every tool, so a missing one
 * is a broken install, never something to skip silently.
 */
export function requireTool(t: TestContext, name: string): string | undefined {
  const path = locateTool(name);
  if (path) return path;
  const reason = `${name} not found (run scripts/tools/install.sh --only ${name})`;
  if (process.env.CI === "true") throw new Error(`CI=true and ${reason}`);
  t.skip(reason);
  return undefined;
}
