import { collectorPipeline } from "./collector-pipeline.ts";
import { platformOverview } from "./platform-overview.ts";

/** Mount path of the dashboard files inside the Grafana pod. */
export const DASHBOARDS_DIR = "/var/lib/grafana/dashboards/kindling";

/** Every dashboard kindling ships, by file name. JSON is written by our code, never hand-edited. */
export function dashboardFiles(): Record<string, string> {
  const files: Record<string, Record<string, unknown>> = {
    "platform-overview.json": platformOverview(),
    "collector-pipeline.json": collectorPipeline(),
  };
  return Object.fromEntries(Object.entries(files).map(([name, d]) => [name, `${JSON.stringify(d, null, 2)}\n`]));
}

/** Grafana's dashboard provider: load the files above into a "Kindling" folder, read-only. */
export function dashboardsProvisioning(): Record<string, unknown> {
  return {
    apiVersion: 1,
    providers: [
      {
        name: "kindling",
        folder: "Kindling",
        type: "file",
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 60,
        options: { path: DASHBOARDS_DIR, foldersFromFilesStructure: false },
      },
    ],
  };
}
