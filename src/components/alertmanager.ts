import { stringify } from "yaml";
import * as s from "../config/schema.ts";
import type { KubeObject } from "../model/k8s.ts";
import {
  ALERTMANAGER_CLUSTER_PORT,
  ALERTMANAGER_HEADLESS,
  ALERTMANAGER_PORT,
  type AlertmanagerConfigInput,
  alertmanagerConfig,
} from "./lib/alertmanager-config.ts";
import { configMap } from "./lib/config-map.ts";
import { configHashAnnotation } from "./lib/content-hash.ts";
import { httpUrlOption, namespaceOption, storageClassOption } from "./lib/option-schemas.ts";
import { containerPorts, headlessService, namedPort, nodePortService } from "./lib/services.ts";
import { statefulSet, volumeClaim } from "./lib/statefulset.ts";
import { appLabels, type Resources, resourcesSchema, restrictedContainer, restrictedPodSpec } from "./lib/workload.ts";
import { defineComponent } from "./types.ts";

export interface AlertmanagerOptions {
  /** Namespace of the observability stack. @default "observability" */
  namespace: string;
  /** The official image, pinned by tag; the tests check the config with tools built at the same version (ALERTMANAGER_VERSION in scripts/tools/versions.env). @default "quay.io/prometheus/alertmanager:v0.35.0" */
  image: string;
  /** Replicas; more than one form a gossip cluster that deduplicates notifications. @default 1 locally, 2 elsewhere */
  replicas: number;
  /** CPU and memory. @default 20m/64Mi requested, 200m/128Mi limit */
  resources: Resources;
  /** Volume for silences and the notification log. @default "1Gi" */
  storage: string;
  /** Storage class of the volume; unset uses the cluster default. */
  storageClass?: string;
  /** NodePort of the web UI and API, mapped to the host by Kind. @default 30093 */
  nodePort: number;
  /** Routing timings. @default 30s / 5m, repeat every 12h locally and 4h elsewhere */
  route: Pick<AlertmanagerConfigInput, "groupWait" | "groupInterval" | "repeatInterval">;
  /** Webhook that receives notifications (Slack/Teams bridges, on-call tools). Unset: alerts are only visible in the UI. */
  webhookUrl?: string;
}

const NAME = "alertmanager";
const CONFIG_FILE = "alertmanager.yml";
const duration = s.string({ pattern: /^[0-9]+(ms|s|m|h|d|w|y)$/, patternHint: 'a duration such as "30s" or "4h"' });

const options: s.ObjectSchema<AlertmanagerOptions> = s.object({
  namespace: namespaceOption,
  image: s.string({ minLength: 1 }),
  replicas: s.int({ min: 1, max: 5 }),
  resources: resourcesSchema,
  storage: s.quantity(),
  storageClass: storageClassOption,
  nodePort: s.nodePort({ doc: "NodePort of the web UI and API" }),
  route: s.object({ groupWait: duration, groupInterval: duration, repeatInterval: duration }),
  webhookUrl: s.optional(httpUrlOption),
});

export const alertmanager = defineComponent<AlertmanagerOptions>({
  name: NAME,
  description: "Alertmanager: routes the platform's alerts, UI and API on a NodePort",
  profiles: ["dev-fast", "cilium", "full"],
  options,
  defaults: ({ env }) => ({
    namespace: "observability",
    image: "quay.io/prometheus/alertmanager:v0.35.0",
    replicas: env === "local" ? 1 : 2,
    resources: { cpuRequest: "20m", memoryRequest: "64Mi", cpuLimit: "200m", memoryLimit: "128Mi" },
    storage: "1Gi",
    nodePort: 30093,
    route: { groupWait: "30s", groupInterval: "5m", repeatInterval: env === "local" ? "12h" : "4h" },
  }),
  nodePorts: (o) => [{ port: o.nodePort, option: "nodePort" }],
  render: (_ctx, o) => {
    const config = alertmanagerYaml(o);
    return [
      {
        name: NAME,
        namespace: o.namespace,
        objects: [
          configMap(NAME, labels, { [CONFIG_FILE]: config }),
          alertmanagerStatefulSet(o, config),
          nodePortService(NAME, labels, [{ ...httpPort, nodePort: o.nodePort }]),
          // Peers must find each other while still starting up.
          headlessService(ALERTMANAGER_HEADLESS, labels, peerPorts, { publishNotReadyAddresses: true }),
        ],
      },
    ];
  },
});

/** alertmanager.yml as text: what the ConfigMap holds and what the tests give amtool. */
export function alertmanagerYaml(o: AlertmanagerOptions): string {
  return stringify(alertmanagerConfig({ ...o.route, ...(o.webhookUrl ? { webhookUrl: o.webhookUrl } : {}) }), { lineWidth: 0 });
}

const labels = appLabels(NAME, "alerting");

function clusterArgs(o: AlertmanagerOptions): string[] {
  // One replica: no gossip at all (an empty listen address turns clustering off).
  if (o.replicas === 1) return ["--cluster.listen-address="];
  const peers = Array.from(
    { length: o.replicas },
    (_, i) => `--cluster.peer=${NAME}-${i}.${ALERTMANAGER_HEADLESS}.${o.namespace}.svc:${ALERTMANAGER_CLUSTER_PORT}`,
  );
  return [
    `--cluster.listen-address=0.0.0.0:${ALERTMANAGER_CLUSTER_PORT}`,
    `--cluster.advertise-address=$(POD_IP):${ALERTMANAGER_CLUSTER_PORT}`,
    ...peers,
  ];
}

/** The web UI and API, and the gossip port peers talk to each other on (TCP and UDP). */
const httpPort = namedPort("http", ALERTMANAGER_PORT, { protocol: "TCP" });
const peerPorts = [
  httpPort,
  namedPort("cluster-tcp", ALERTMANAGER_CLUSTER_PORT, { protocol: "TCP" }),
  namedPort("cluster-udp", ALERTMANAGER_CLUSTER_PORT, { protocol: "UDP" }),
];

function alertmanagerStatefulSet(o: AlertmanagerOptions, config: string): KubeObject {
  const probe = (path: string) => ({ httpGet: { path, port: "http" } });
  return statefulSet({
    name: NAME,
    labels,
    replicas: o.replicas,
    // Peers must resolve each other before they are ready, so all start at once.
    podManagementPolicy: "Parallel",
    podAnnotations: configHashAnnotation(config),
    // The image's user is nobody.
    pod: restrictedPodSpec(65534, {
      containers: [
        restrictedContainer(o.resources, {
          name: "alertmanager",
          image: o.image,
          args: [`--config.file=/etc/alertmanager/${CONFIG_FILE}`, "--storage.path=/alertmanager", ...clusterArgs(o)],
          env: [{ name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } }],
          ports: containerPorts(peerPorts),
          readinessProbe: { ...probe("/-/ready"), periodSeconds: 5 },
          livenessProbe: { ...probe("/-/healthy"), initialDelaySeconds: 10, periodSeconds: 15 },
          volumeMounts: [
            { name: "config", mountPath: "/etc/alertmanager", readOnly: true },
            { name: "data", mountPath: "/alertmanager" },
          ],
        }),
      ],
      volumes: [{ name: "config", configMap: { name: NAME } }],
    }),
    volumeClaims: [volumeClaim("data", o.storage, o.storageClass)],
  });
}
