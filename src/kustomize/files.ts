/**
 * Plain YAML files included as they are: multi-document, empty documents
 * dropped, every document checked to be a Kubernetes object with a name.
 */
import { readFile } from "node:fs/promises";
import { kubeObjectsIn } from "../helm/objects.ts";
import type { KubeObject } from "../model/k8s.ts";

/** A plain YAML include that cannot be used; names the file and the document. */
export class YamlFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = "YamlFileError";
  }
}

/** Reads the files concurrently; objects come back in file order, then document order. */
export async function readYamlFiles(paths: string[]): Promise<KubeObject[]> {
  const perFile = await Promise.all(paths.map((p) => readYamlFile(p)));
  return perFile.flat();
}

export async function readYamlFile(file: string): Promise<KubeObject[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new YamlFileError(file, `${file}: cannot read: ${(e as Error).message}`);
  }
  const where = (index: number, line: number) => `${file}: document ${index} (line ${line})`;
  try {
    return kubeObjectsIn(text, where, (doc) => ({ kind: "file", file, document: doc.index }));
  } catch (e) {
    throw new YamlFileError(file, (e as Error).message);
  }
}
