import { resolve } from "node:path";
import type { App } from "../components/types.ts";
import { describeOrigin, originOf, renderChart } from "../helm/index.ts";
import type { ChartSources } from "../helm/types.ts";
import { KIND_NODE_IMAGE } from "../kind/node-image.ts";
import { readYamlFiles, renderKustomization } from "../kustomize/index.ts";
import type { KubeObject } from "../model/k8s.ts";

export interface SourcedObject {
  object: KubeObject;
  source: string;
  /** Namespace to give the object when it is namespaced and names none. */
  defaultNamespace: string;
}

/**
 * Turns each app's four kinds of input (typed objects, charts, Kustomize
 * folders, plain files) into one list of objects. Helm and Kustomize run
 * concurrently across all apps: they are separate processes, so this is where
 * a build spends its wall time on a cold cache.
 */
export async function expandApps(apps: App[], root: string, charts: ChartSources): Promise<Map<string, SourcedObject[]>> {
  const perApp = await Promise.all(
    apps.map(async (app) => {
      const parts = await Promise.all([
        Promise.resolve((app.objects ?? []).map((object) => ({ object, source: "typed", defaultNamespace: app.namespace }))),
        ...(app.charts ?? []).map(async (input) => {
          const namespace = input.namespace ?? app.namespace;
          const objects = await renderChart(
            {
              chart: input.chart,
              release: input.release,
              namespace,
              values: input.values,
              includeCrds: input.includeCrds,
              // Charts pick API versions from the cluster version they are told about
              // (e.g. policy/v1 PodDisruptionBudgets); tell them the one Kind runs.
              kubeVersion: KIND_NODE_IMAGE.kubernetesVersion,
              apiVersions: input.apiVersions,
            },
            charts,
          );
          return objects.map((object) => ({
            object,
            source: sourceOf(object, `chart ${input.chart.name} ${input.chart.version}`),
            defaultNamespace: namespace,
          }));
        }),
        ...(app.kustomize ?? []).map(async (dir) => {
          const objects = await renderKustomization(resolve(root, dir));
          return objects.map((object) => ({ object, source: sourceOf(object, `kustomize ${dir}`), defaultNamespace: app.namespace }));
        }),
        app.files?.length
          ? readYamlFiles(app.files.map((f) => resolve(root, f))).then((objects) =>
              objects.map((object) => ({ object, source: sourceOf(object, `files of app ${app.name}`), defaultNamespace: app.namespace })),
            )
          : Promise.resolve([]),
      ]);
      return [app.name, parts.flat()] as const;
    }),
  );
  return new Map(perApp);
}

/** "chart traefik, traefik/templates/deployment.yaml" when the input knows the template or file. */
function sourceOf(object: KubeObject, fallback: string): string {
  const origin = originOf(object);
  return origin ? describeOrigin(origin) : fallback;
}
