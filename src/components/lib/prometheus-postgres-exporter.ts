import type { KubeObject } from "../../model/k8s.ts";
import type { App } from "../types.ts";
import { appLabels, type Resources, resources, restrictedContainerSecurity, restrictedPodSecurity } from "./workload.ts";

/**
 * postgres_exporter next to PostgreSQL, so Prometheus can tell whether the
 * database is up (pg_up) and the PostgreSQLDown rule has something to watch.
 * It runs in PostgreSQL's namespace because that is where the credentials
 * Secret lives; Prometheus finds it through its headless Service.
 */

export const POSTGRES_EXPORTER = "postgres-exporter";
export const POSTGRES_EXPORTER_PORT = 9187;
const PORT = POSTGRES_EXPORTER_PORT;

export interface PostgresExporterInput {
  /** PostgreSQL's namespace. */
  namespace: string;
  /** Secret holding "postgres-password" (the postgresql component's credentialsSecret). */
  credentialsSecret: string;
  image: string;
  resources: Resources;
}

export function postgresExporterApp(i: PostgresExporterInput): App {
  return { name: POSTGRES_EXPORTER, namespace: i.namespace, objects: [deployment(i), service()], dependsOn: ["postgresql"] };
}

const labels = appLabels(POSTGRES_EXPORTER, "metrics");

function deployment(i: PostgresExporterInput): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: POSTGRES_EXPORTER, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          // The image's user is nobody.
          securityContext: restrictedPodSecurity(65534),
          automountServiceAccountToken: false,
          containers: [
            {
              name: "postgres-exporter",
              image: i.image,
              env: [
                { name: "DATA_SOURCE_URI", value: `postgresql.${i.namespace}.svc:5432/postgres?sslmode=disable` },
                // The superuser until the platform creates a pg_monitor role (see docs/observability.md).
                { name: "DATA_SOURCE_USER", value: "postgres" },
                { name: "DATA_SOURCE_PASS", valueFrom: { secretKeyRef: { name: i.credentialsSecret, key: "postgres-password" } } },
              ],
              ports: [{ name: "metrics", containerPort: PORT, protocol: "TCP" }],
              resources: resources(i.resources),
              securityContext: restrictedContainerSecurity(),
              readinessProbe: { httpGet: { path: "/", port: "metrics" }, periodSeconds: 10 },
            },
          ],
        },
      },
    },
  };
}

/** Headless: Prometheus resolves it to the exporter pod (prometheus-targets.ts). */
function service(): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: POSTGRES_EXPORTER, labels },
    spec: { clusterIP: "None", selector: labels, ports: [{ name: "metrics", port: PORT, targetPort: "metrics", protocol: "TCP" }] },
  };
}
