/**
 * alertmanager.yml as a pure function of typed input. Uses only keys that
 * both the checking amtool and the deployed Alertmanager know (matchers
 * syntax, no deprecated match/match_re).
 */

export const ALERTMANAGER_PORT = 9093;
export const ALERTMANAGER_CLUSTER_PORT = 9094;
/** Headless Service: stable pod DNS names for gossip, and what Prometheus discovers every replica through. */
export const ALERTMANAGER_HEADLESS = "alertmanager-headless";

export interface AlertmanagerConfigInput {
  /** Wait before the first notification of a new group, to gather related alerts. */
  groupWait: string;
  /** Wait before notifying about new alerts added to a group already notified. */
  groupInterval: string;
  /** Resend a still-firing alert this often. */
  repeatInterval: string;
  /** Where notifications go; none means alerts are only visible in the UI and API. */
  webhookUrl?: string;
}

export function alertmanagerConfig(i: AlertmanagerConfigInput): Record<string, unknown> {
  return {
    route: {
      receiver: "default",
      group_by: ["alertname", "namespace", "job"],
      group_wait: i.groupWait,
      group_interval: i.groupInterval,
      repeat_interval: i.repeatInterval,
      routes: [
        // Watchdog fires forever by design; it is for an external dead man's switch, not for people.
        { receiver: "null", matchers: ['alertname="Watchdog"'] },
      ],
    },
    receivers: [
      {
        name: "default",
        ...(i.webhookUrl ? { webhook_configs: [{ url: i.webhookUrl, send_resolved: true }] } : {}),
      },
      { name: "null" },
    ],
    inhibit_rules: [
      // A critical alert makes the warning with the same name and scope noise.
      { source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ["alertname", "namespace", "job"] },
    ],
  };
}
