import type { KubeObject } from "../model/k8s.ts";
import { emitYaml } from "./yaml-emit.ts";

const TOP = ["apiVersion", "kind", "metadata", "spec", "data", "stringData", "binaryData", "type"];
const META = ["name", "namespace", "labels", "annotations"];

/**
 * Keys in a fixed order, so two builds of the same input are byte-identical
 * and a diff shows only what changed: conventional order at the top and in
 * metadata, "name" first in every other map (that is how people read lists of
 * containers and ports), then alphabetical.
 */
function ordered(value: unknown, priority: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => ordered(v, ["name"]));
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => {
    const pa = priority.indexOf(a);
    const pb = priority.indexOf(b);
    if (pa >= 0 || pb >= 0) return (pa < 0 ? Number.MAX_SAFE_INTEGER : pa) - (pb < 0 ? Number.MAX_SAFE_INTEGER : pb);
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) out[k] = ordered(v, k === "metadata" && priority === TOP ? META : ["name"]);
  return out;
}

export function toYaml(obj: KubeObject): string {
  return emitYaml(ordered(obj, TOP));
}
