import * as s from "../config/schema.ts";
import type { KubeObject } from "../model/k8s.ts";
import { namespaceOption, storageClassOption } from "./lib/option-schemas.ts";
import { postgresInitObjects } from "./lib/postgres-init.ts";
import { postgresRoles } from "./lib/postgres-sql.ts";
import { clusterIPService, containerPorts, headlessName, headlessService, namedPort } from "./lib/services.ts";
import { statefulSet, volumeClaim } from "./lib/statefulset.ts";
import { appLabels, type Resources, resourcesSchema, restrictedContainer, restrictedPodSpec, secretEnv } from "./lib/workload.ts";
import { defineComponent } from "./types.ts";

export interface PostgresDatabase {
  /** Login role that owns the database. @default the database name */
  owner?: string;
}

export interface PostgresqlOptions {
  /** Namespace PostgreSQL runs in. @default "data" */
  namespace: string;
  /** The official PostgreSQL image (not Bitnami), pinned by tag. @default "docker.io/library/postgres:17.6-bookworm" */
  image: string;
  /** Size of the data volume. @default "1Gi" locally, "10Gi" elsewhere */
  storage: string;
  /** Storage class of the data volume; unset uses the cluster default. */
  storageClass?: string;
  /** CPU and memory. @default 100m/256Mi requested, 1/512Mi limit */
  resources: Resources;
  /** One database and login role per service, by database name. @default { app: {} } */
  databases: Record<string, PostgresDatabase>;
  /**
   * Secret holding the passwords: "postgres-password" for the superuser and
   * "<role>-password" per owner role. It is created by the secrets layer, so no
   * password is ever written to manifests-result/. @default "postgresql-credentials"
   */
  credentialsSecret: string;
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;
const identHint = "a lower-case SQL identifier (letters, digits, underscore; at most 63)";

const options: s.ObjectSchema<PostgresqlOptions> = s.object({
  namespace: namespaceOption,
  image: s.string({ minLength: 1 }),
  storage: s.quantity(),
  storageClass: storageClassOption,
  resources: resourcesSchema,
  databases: s.record(s.object({ owner: s.optional(s.string({ pattern: IDENT, patternHint: identHint })) }), {
    keyPattern: IDENT,
    keyHint: identHint,
  }),
  credentialsSecret: s.string({ minLength: 1 }),
});

const NAME = "postgresql";
const PORT = 5432;

export const postgresql = defineComponent<PostgresqlOptions>({
  name: NAME,
  description: "PostgreSQL for applications (official image), a database and role per service",
  profiles: ["dev-fast", "cilium", "full"],
  options,
  defaults: ({ env }) => ({
    namespace: "data",
    image: "docker.io/library/postgres:17.6-bookworm",
    storage: env === "local" ? "1Gi" : "10Gi",
    resources: { cpuRequest: "100m", memoryRequest: "256Mi", cpuLimit: "1", memoryLimit: "512Mi" },
    databases: { app: {} },
    credentialsSecret: "postgresql-credentials",
  }),
  secrets: (_ctx, o) => [
    {
      namespace: o.namespace,
      name: o.credentialsSecret,
      keys: {
        "postgres-password": { description: "password of the postgres superuser", generate: "password" },
        ...Object.fromEntries(
          postgresRoles(o.databases).map((role) => [
            `${role}-password`,
            { description: `login password of role ${role}`, generate: "password" as const },
          ]),
        ),
      },
    },
  ],
  render: (_ctx, o) => [
    {
      name: NAME,
      namespace: o.namespace,
      objects: [
        headlessService(headlessName(NAME), labels, ports),
        clusterIPService(NAME, labels, ports),
        postgresStatefulSet(o),
        ...postgresInitObjects({
          name: NAME,
          image: o.image,
          port: PORT,
          credentialsSecret: o.credentialsSecret,
          databases: o.databases,
          resources: { cpuRequest: "50m", memoryRequest: "32Mi", cpuLimit: "500m", memoryLimit: "128Mi" },
        }),
      ],
    },
  ],
});

const labels = appLabels(NAME, "database");

const ports = [namedPort("postgres", PORT)];

function postgresStatefulSet(o: PostgresqlOptions): KubeObject {
  const isReady = { exec: { command: ["pg_isready", "-U", "postgres", "-h", "127.0.0.1"] } };
  return statefulSet({
    name: NAME,
    labels,
    // uid 999 is the postgres user of the official Debian-based image.
    pod: restrictedPodSpec(999, {
      containers: [
        restrictedContainer(o.resources, {
          name: "postgres",
          image: o.image,
          ports: containerPorts(ports),
          env: [
            { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
            { name: "POSTGRES_USER", value: "postgres" },
            secretEnv("POSTGRES_PASSWORD", o.credentialsSecret, "postgres-password"),
          ],
          readinessProbe: { ...isReady, periodSeconds: 5 },
          livenessProbe: { ...isReady, initialDelaySeconds: 30, periodSeconds: 10 },
          volumeMounts: [
            { name: "data", mountPath: "/var/lib/postgresql/data" },
            // A read-only root filesystem needs these two writable.
            { name: "run", mountPath: "/var/run/postgresql" },
            { name: "tmp", mountPath: "/tmp" },
          ],
        }),
      ],
      volumes: [
        { name: "run", emptyDir: {} },
        { name: "tmp", emptyDir: {} },
      ],
    }),
    volumeClaims: [volumeClaim("data", o.storage, o.storageClass)],
  });
}
