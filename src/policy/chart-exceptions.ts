import type { SecurityRule } from "./security.ts";

/**
 * Chart workloads that cannot meet a rule of ./security.ts because the chart
 * offers no value to set it (for example a hook Job whose securityContext is
 * hard-coded in the template). Each entry is checked against the pinned chart
 * version it was written for: when a chart upgrade makes the setting
 * possible, set it in the component's values and delete the entry.
 *
 * Node-level networking that needs real privileges is not listed here but in
 * ./privileged.ts, which applies to every source.
 */
export interface ChartException {
  /** Chart name as declared in the component's ChartSpec (the key in charts.lock.yaml). */
  chart: string;
  kind: string;
  name: string | RegExp;
  /** Only this container; all containers of the workload when absent. */
  container?: string;
  rules: SecurityRule[];
  /** Why the chart does not allow it, with the chart version checked. */
  reason: string;
}

export const CHART_EXCEPTIONS: ChartException[] = [];
