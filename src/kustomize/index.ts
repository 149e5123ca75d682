/**
 * Kustomize inputs and plain YAML includes. Both return KubeObjects whose
 * origin (originOf in src/helm/objects.ts) names the directory or file and
 * document, for error messages further down the pipeline.
 */
export { readYamlFile, readYamlFiles, YamlFileError } from "./files.ts";
export { KustomizeError, renderKustomization } from "./render.ts";
