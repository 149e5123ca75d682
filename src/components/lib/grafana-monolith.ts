import { stringify } from "yaml";
import * as s from "../../config/schema.ts";
import type { App } from "../types.ts";
import { configMap } from "./config-map.ts";
import { configHashAnnotation } from "./content-hash.ts";
import { storageClassOption } from "./option-schemas.ts";
import { clusterIPService, containerPorts, headlessName, headlessService, type ServicePort } from "./services.ts";
import { statefulSet, volumeClaim } from "./statefulset.ts";
import { type Resources, resourcesSchema, restrictedContainer, restrictedPodSpec } from "./workload.ts";

/**
 * Loki and Tempo run the same way: one Grafana Labs binary in monolithic
 * mode (-target=all), a YAML config with ${ENV} expansion, a local volume,
 * S3 credentials from a Secret, and an HTTP port with /ready.
 */

/** The options Loki and Tempo both have, with the same meaning. */
export interface GrafanaMonolithOptions {
  namespace: string;
  image: string;
  resources: Resources;
  /** Size of the local volume. */
  storage: string;
  storageClass?: string;
}

/** Schemas of the local volume and the size, the last options of both components. */
export const grafanaMonolithSizeOptions = {
  storage: s.quantity(),
  storageClass: storageClassOption,
  resources: resourcesSchema,
};

/** Both are sized alike: a small volume and pod locally, larger ones elsewhere. */
export function grafanaMonolithSizeDefaults(env: string): Pick<GrafanaMonolithOptions, "storage" | "resources"> {
  return {
    storage: env === "local" ? "2Gi" : "10Gi",
    resources:
      env === "local"
        ? { cpuRequest: "100m", memoryRequest: "192Mi", cpuLimit: "1", memoryLimit: "512Mi" }
        : { cpuRequest: "250m", memoryRequest: "384Mi", cpuLimit: "2", memoryLimit: "1Gi" },
  };
}

/** What differs between Loki and Tempo. */
export interface GrafanaMonolithInput {
  /** "loki" or "tempo": names the objects, the container, /etc/<name> and <name>.yaml. */
  name: string;
  labels: Record<string, string>;
  /** The content of <name>.yaml. */
  config: unknown;
  /** Service ports, one of them "http" (the probes use it); the container exposes all of them. */
  ports: ServicePort[];
  /** Where the local volume is mounted. */
  dataDir: string;
  /**
   * Secret whose keys become environment variables (S3 credentials); none
   * without Garage. Garage's bootstrap Job writes it, so the app then comes
   * after Garage's.
   */
  credentials?: string;
}

/** The app: ConfigMap, headless and ClusterIP Services, StatefulSet. */
export function grafanaMonolith(o: GrafanaMonolithOptions, i: GrafanaMonolithInput): App {
  const configMapName = `${i.name}-config`;
  const configFile = `${i.name}.yaml`;
  const config = stringify(i.config);
  const objects = [
    configMap(configMapName, i.labels, { [configFile]: config }),
    headlessService(headlessName(i.name), i.labels, i.ports),
    clusterIPService(i.name, i.labels, i.ports),
    statefulSet({
      name: i.name,
      labels: i.labels,
      // The config is read at start only: a change must roll the pod.
      podAnnotations: configHashAnnotation(config),
      // uid 10001 is the loki and the tempo user of the upstream images (tempo's since 2.5).
      pod: restrictedPodSpec(10001, {
        containers: [
          restrictedContainer(o.resources, {
            name: i.name,
            image: o.image,
            args: [`-config.file=/etc/${i.name}/${configFile}`, "-config.expand-env=true", "-target=all"],
            ports: containerPorts(i.ports),
            ...(i.credentials ? { envFrom: [{ secretRef: { name: i.credentials } }] } : {}),
            readinessProbe: { httpGet: { path: "/ready", port: "http" }, initialDelaySeconds: 15, periodSeconds: 10 },
            livenessProbe: { tcpSocket: { port: "http" }, initialDelaySeconds: 30, periodSeconds: 20 },
            volumeMounts: [
              { name: "config", mountPath: `/etc/${i.name}`, readOnly: true },
              { name: "data", mountPath: i.dataDir },
              { name: "tmp", mountPath: "/tmp" },
            ],
          }),
        ],
        volumes: [
          { name: "config", configMap: { name: configMapName } },
          { name: "tmp", emptyDir: {} },
        ],
      }),
      volumeClaims: [volumeClaim("data", o.storage, o.storageClass)],
    }),
  ];
  return { name: i.name, namespace: o.namespace, dependsOn: i.credentials ? ["garage"] : [], objects };
}
