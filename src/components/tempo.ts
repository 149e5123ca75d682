import { createHash } from "node:crypto";
import { stringify } from "yaml";
import * as s from "../config/schema.ts";
import type { KubeObject } from "../model/k8s.ts";
import { GARAGE_CLIENTS, garageS3 } from "./garage.ts";
import { TEMPO_DATA_DIR, TEMPO_PORTS, tempoConfig } from "./lib/tempo-config.ts";
import {
  appLabels,
  type Resources,
  resources,
  resourcesSchema,
  restrictedContainerSecurity,
  restrictedPodSecurity,
} from "./lib/workload.ts";
import { defineComponent, type RenderContext } from "./types.ts";

export interface TempoOptions {
  /** Namespace of the observability stack. @default "observability" */
  namespace: string;
  /** Tempo image (AGPL; the upstream image as published). @default "docker.io/grafana/tempo:2.8.2" */
  image: string;
  /** How long traces are kept. @default "48h" locally, "168h" elsewhere */
  retention: string;
  /**
   * Where span metrics and service graphs are remote-written. @default the
   * prometheus component's /api/v1/write ("http://prometheus.observability.svc:9090/api/v1/write")
   */
  remoteWriteUrl?: string;
  /** Local volume: WAL, generator WAL, recent blocks. @default "2Gi" locally, "10Gi" elsewhere */
  storage: string;
  storageClass?: string;
  /** CPU and memory. @default 100m/192Mi requested, 1/512Mi limit locally; 250m/384Mi, 2/1Gi elsewhere */
  resources: Resources;
}

const NAME = "tempo";

/** Prometheus' remote-write receiver, from its component when present, else the platform's default address. */
function defaultRemoteWrite(ctx: RenderContext): string {
  const p = ctx.has("prometheus") ? ctx.optionsOf<{ namespace?: string; port?: number }>("prometheus") : {};
  return `http://prometheus.${p.namespace ?? "observability"}.svc:${p.port ?? 9090}/api/v1/write`;
}

export const tempo = defineComponent<TempoOptions>({
  name: NAME,
  description: "Tempo (monolithic), OTLP gRPC in, traces in Garage S3, span metrics and service graphs to Prometheus",
  profiles: ["dev-fast", "cilium", "full"],
  options: s.object({
    namespace: s.string({ pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, patternHint: "a namespace name" }),
    image: s.string({ minLength: 1 }),
    retention: s.string({ pattern: /^[0-9]+[hms]$/, patternHint: 'a duration in hours, e.g. "168h"' }),
    remoteWriteUrl: s.optional(s.string({ pattern: /^https?:\/\/\S+$/, patternHint: "an http(s) URL" })),
    storage: s.quantity(),
    storageClass: s.optional(s.string({ minLength: 1 })),
    resources: resourcesSchema,
  }),
  defaults: ({ env }) => ({
    namespace: "observability",
    image: "docker.io/grafana/tempo:2.8.2",
    retention: env === "local" ? "48h" : "168h",
    storage: env === "local" ? "2Gi" : "10Gi",
    resources:
      env === "local"
        ? { cpuRequest: "100m", memoryRequest: "192Mi", cpuLimit: "1", memoryLimit: "512Mi" }
        : { cpuRequest: "250m", memoryRequest: "384Mi", cpuLimit: "2", memoryLimit: "1Gi" },
  }),
  render: (ctx, o) => {
    const s3 = garageS3(ctx, NAME);
    const config = tempoConfig({
      s3: s3 && { hostPort: s3.hostPort, region: s3.region, bucket: s3.buckets[0] as string },
      retention: o.retention,
      remoteWriteUrl: o.remoteWriteUrl ?? defaultRemoteWrite(ctx),
      env: ctx.env,
    });
    const text = stringify(config);
    return [
      {
        name: NAME,
        namespace: o.namespace,
        dependsOn: s3 ? ["garage"] : [],
        objects: [
          { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `${NAME}-config`, labels }, data: { "tempo.yaml": text } },
          service(`${NAME}-headless`, true),
          service(NAME, false),
          statefulSet(o, s3 ? GARAGE_CLIENTS.tempo.secret : undefined, configHash(text)),
        ],
      },
    ];
  },
});

const labels = appLabels(NAME, "traces");

function service(name: string, headless: boolean): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, labels },
    spec: {
      ...(headless ? { clusterIP: "None" } : { type: "ClusterIP" }),
      selector: labels,
      ports: [
        { name: "http", port: TEMPO_PORTS.http, targetPort: "http" },
        { name: "grpc", port: TEMPO_PORTS.grpc, targetPort: "grpc" },
        // appProtocol lets the mesh treat OTLP gRPC as HTTP/2 instead of opaque TCP.
        { name: "otlp-grpc", port: TEMPO_PORTS.otlpGrpc, targetPort: "otlp-grpc", appProtocol: "grpc" },
        { name: "otlp-http", port: TEMPO_PORTS.otlpHttp, targetPort: "otlp-http" },
      ],
    },
  };
}

function statefulSet(o: TempoOptions, credentials: string | undefined, hash: string): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: NAME, labels },
    spec: {
      serviceName: `${NAME}-headless`,
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        // The config is read at start only: a change must roll the pod.
        metadata: { labels, annotations: { "kindling.dev/config-hash": hash } },
        spec: {
          // uid 10001 is the tempo user of the upstream image (since Tempo 2.5).
          securityContext: restrictedPodSecurity(10001),
          automountServiceAccountToken: false,
          containers: [
            {
              name: "tempo",
              image: o.image,
              args: ["-config.file=/etc/tempo/tempo.yaml", "-config.expand-env=true", "-target=all"],
              ports: [
                { name: "http", containerPort: TEMPO_PORTS.http },
                { name: "grpc", containerPort: TEMPO_PORTS.grpc },
                { name: "otlp-grpc", containerPort: TEMPO_PORTS.otlpGrpc },
                { name: "otlp-http", containerPort: TEMPO_PORTS.otlpHttp },
              ],
              ...(credentials ? { envFrom: [{ secretRef: { name: credentials } }] } : {}),
              resources: resources(o.resources),
              securityContext: restrictedContainerSecurity(),
              readinessProbe: { httpGet: { path: "/ready", port: "http" }, initialDelaySeconds: 15, periodSeconds: 10 },
              livenessProbe: { tcpSocket: { port: "http" }, initialDelaySeconds: 30, periodSeconds: 20 },
              volumeMounts: [
                { name: "config", mountPath: "/etc/tempo", readOnly: true },
                { name: "data", mountPath: TEMPO_DATA_DIR },
                { name: "tmp", mountPath: "/tmp" },
              ],
            },
          ],
          volumes: [
            { name: "config", configMap: { name: `${NAME}-config` } },
            { name: "tmp", emptyDir: {} },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: "data" },
          spec: {
            accessModes: ["ReadWriteOnce"],
            ...(o.storageClass ? { storageClassName: o.storageClass } : {}),
            resources: { requests: { storage: o.storage } },
          },
        },
      ],
    },
  };
}

const configHash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);
