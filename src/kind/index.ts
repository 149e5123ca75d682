/** Kind cluster configs per profile, the pinned node image, and our check of Kind's config schema. */
export { type KindConfigOptions, kindClusterConfig, kindClusterConfigYaml } from "./config.ts";
export { kindOptionsFor } from "./environment.ts";
export { KIND_NODE_IMAGE, KIND_NODE_IMAGE_REF } from "./node-image.ts";
export { CLUSTER_NETWORK, type HostPort, PROFILE_SHAPES, type ProfileShape } from "./profiles.ts";
export { KIND_CLUSTER_SCHEMA, kindConfigIssues } from "./schema.ts";
export type * from "./types.ts";
