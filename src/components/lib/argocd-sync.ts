/**
 * What every Argo CD Application kindling writes has in common: the
 * namespace Argo CD runs in, the in-cluster destination and the sync policy.
 * Shared by the root app-of-apps (the argocd component) and the per-app
 * Applications the render pipeline generates (src/render/argocd.ts).
 */

export const ARGOCD_NAMESPACE = "argocd";
export const IN_CLUSTER = "https://kubernetes.default.svc";

/**
 * Automated sync with prune and self-heal: git is the truth, drift is undone.
 * Server-side apply, because some CRDs are larger than the 256 KiB
 * last-applied annotation client-side apply needs. Retries back off instead of
 * hammering an API server (or a CRD) that is still coming up.
 */
export function kindlingSyncPolicy() {
  return {
    automated: { prune: true, selfHeal: true },
    syncOptions: ["ServerSideApply=true", "CreateNamespace=false"],
    retry: { limit: 5, backoff: { duration: "5s", factor: 2, maxDuration: "3m" } },
  };
}

/**
 * Health of a child Application as its parent (the root app-of-apps) sees it.
 * Argo CD gives Applications no health of their own since 1.8, so without
 * this the root would start wave N+1 before wave N is up. A child counts as
 * Healthy only when it is both Healthy and Synced: "Healthy" alone can be
 * reported while a resource of the child is still missing. The script calls
 * no library function, so it runs under any Lua sandbox Argo CD sets up.
 */
export const APPLICATION_HEALTH_LUA = `-- kindling: sync waves of the root app-of-apps wait on this (docs/gitops.md)
local hs = { status = "Progressing", message = "waiting for the first sync" }
if obj.status == nil then
  return hs
end
local health = nil
local message = ""
if obj.status.health ~= nil then
  health = obj.status.health.status
  if obj.status.health.message ~= nil then
    message = obj.status.health.message
  end
end
local sync = nil
if obj.status.sync ~= nil then
  sync = obj.status.sync.status
end
if health == "Degraded" or health == "Suspended" then
  hs.status = health
  hs.message = message
  return hs
end
if health == "Healthy" and sync == "Synced" then
  hs.status = "Healthy"
  hs.message = ""
  return hs
end
hs.message = "health " .. (health or "unknown") .. ", sync " .. (sync or "unknown")
return hs
`;
