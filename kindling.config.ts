import { definePlatform } from "./src/config/define.ts";

/**
 * The reference platform. Every environment uses the same component modules;
 * the profile picks the cluster shape and the components, and the overrides
 * below are the only differences between environments.
 */
export default definePlatform({
  name: "kindling",
  gitops: {
    repoURL: "https://github.com/kindling-dev/kindling.git",
    revision: "main",
  },
  environments: {
    local: {
      profile: "dev-fast",
    },
    staging: {
      profile: "full",
      components: {
        traefik: { replicas: 2 },
        postgresql: { storage: "10Gi", databases: { app: {}, orders: {} } },
      },
    },
    prod: {
      profile: "full",
      gitops: { revision: "release" },
      components: {
        traefik: {
          replicas: 3,
          resources: { cpuRequest: "250m", memoryRequest: "256Mi", cpuLimit: "1", memoryLimit: "512Mi" },
        },
        postgresql: {
          storage: "50Gi",
          databases: { app: {}, orders: {} },
          // 512Mi requested keeps the full profile within a laptop's 8 GiB Docker VM (6 GiB budget); bursts up to 2Gi.
          resources: { cpuRequest: "500m", memoryRequest: "512Mi", cpuLimit: "2", memoryLimit: "2Gi" },
        },
        garage: { replicas: 3, replicationFactor: 3, dataStorage: "50Gi" },
        loki: { retention: "720h", storage: "20Gi" },
        tempo: { retention: "720h", storage: "20Gi" },
        prometheus: { retention: "15d", storage: "50Gi" },
      },
    },
  },
});
