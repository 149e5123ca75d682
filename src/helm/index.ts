/**
 * Pinned Helm charts: lock (version + digest), archive cache, air-gapped
 * mirror, local chart directories, and `helm template` with a render cache.
 * Only ./runner.ts starts helm.
 */
export * from "./errors.ts";
export { type FetchedFrom, isNetworkFailure, mirrorDirOf } from "./fetch.ts";
export { type LockAction, type LockChange, type LockOptions, type LockResult, lockCharts } from "./lock.ts";
export { checkLockMatches, formatLock, parseLock, readLock, writeLock } from "./lockfile.ts";
export { describeOrigin, type ObjectOrigin, originOf } from "./objects.ts";
export { type PullResult, pullCharts } from "./pull.ts";
export { renderChart } from "./render.ts";
export { helmSpawnCount } from "./runner.ts";
export { cachedArchivePath } from "./store.ts";
export type * from "./types.ts";
