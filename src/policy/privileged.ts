/**
 * The one place that lists workloads which truly need more than the
 * restricted defaults (node-level networking: the CNI agent, the mesh's CNI
 * node agent, the ambient mesh's per-node proxy). Everything else runs as
 * non-root, read-only, without capabilities and with the RuntimeDefault
 * seccomp profile; src/policy/security.ts enforces that and reads its
 * exemptions from here.
 *
 * `privileges` names the rules of src/policy/security.ts the workload is
 * exempt from (see SECURITY_RULES there; a unit test rejects unknown names),
 * so an exemption is as narrow as the need: a workload listed for
 * "hostNetwork" still has to set requests and limits.
 */
export interface PrivilegedWorkload {
  namespace: string;
  kind: string;
  /** Exact name, or a pattern when the chart derives the name from the release. */
  name: string | RegExp;
  /** Rule names from SECURITY_RULES this workload is exempt from. */
  privileges: string[];
  /** Why it needs them; shown next to every exempted finding. */
  reason: string;
}

export const PRIVILEGED_WORKLOADS: PrivilegedWorkload[] = [];
