import type { KubeObject } from "../../model/k8s.ts";
import type { App } from "../types.ts";
import { deployment } from "./deployment.ts";
import { containerPorts, headlessService, namedPort } from "./services.ts";
import { appLabels, type Resources, restrictedContainer, restrictedPodSpec, secretEnv } from "./workload.ts";

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
  return {
    name: POSTGRES_EXPORTER,
    namespace: i.namespace,
    // Headless: Prometheus resolves it to the exporter pod (prometheus-targets.ts).
    objects: [exporterDeployment(i), headlessService(POSTGRES_EXPORTER, labels, ports)],
    dependsOn: ["postgresql"],
  };
}

const labels = appLabels(POSTGRES_EXPORTER, "metrics");
const ports = [namedPort("metrics", PORT, { protocol: "TCP" })];

function exporterDeployment(i: PostgresExporterInput): KubeObject {
  return deployment({
    name: POSTGRES_EXPORTER,
    labels,
    replicas: 1,
    // The image's user is nobody.
    pod: restrictedPodSpec(65534, {
      containers: [
        restrictedContainer(i.resources, {
          name: "postgres-exporter",
          image: i.image,
          env: [
            { name: "DATA_SOURCE_URI", value: `postgresql.${i.namespace}.svc:5432/postgres?sslmode=disable` },
            // The superuser until the platform creates a pg_monitor role (see docs/observability.md).
            { name: "DATA_SOURCE_USER", value: "postgres" },
            secretEnv("DATA_SOURCE_PASS", i.credentialsSecret, "postgres-password"),
          ],
          ports: containerPorts(ports),
          readinessProbe: { httpGet: { path: "/", port: "metrics" }, periodSeconds: 10 },
        }),
      ],
    }),
  });
}
