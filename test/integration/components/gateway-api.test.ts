/** The Gateway API CRDs from the pinned gateway-crds-helm chart (v1.8.3), and our waypoint against them (real helm). */
import assert from "node:assert/strict";
import { describe, it, type TestContext } from "node:test";
import { GATEWAY_API_APP, GATEWAY_API_BUNDLE_VERSION } from "../../../src/components/gateway-api.ts";
import type { ChartInput } from "../../../src/components/types.ts";
import { WORKLOADS_APP } from "../../../src/components/workloads.ts";
import type { KubeObject } from "../../../src/model/k8s.ts";
import { createValidator } from "../../../src/validate/index.ts";
import { requireTool } from "../../helpers/tools.ts";
import { app, appsOf } from "../../unit/components/profiles-environment.ts";
import { chartDefaultValues, offlineChartSources, renderPinnedChart, unknownValuePaths } from "./pinned-chart.ts";

const full = appsOf("full");
const chartInput = app(full, GATEWAY_API_APP).charts?.[0] as ChartInput;

let rendered: Promise<KubeObject[] | undefined> | undefined;
function render(t: TestContext) {
  rendered ??= renderPinnedChart(t, chartInput, "default");
  return rendered.then((objects) => {
    if (!objects) t.skip("the chart is not available offline; see the first test's skip reason");
    return objects;
  });
}

describe(`Gateway API CRDs ${GATEWAY_API_BUNDLE_VERSION} from gateway-crds-helm (real helm)`, () => {
  it("every value key we set exists in the chart", async (t) => {
    const helm = requireTool(t, "helm");
    if (!helm) return;
    const found = await offlineChartSources(chartInput);
    if ("missing" in found) return t.skip(found.missing);
    assert.deepEqual(unknownValuePaths(chartInput.values, chartDefaultValues(helm, found.archive)), []);
  });

  it(`renders the standard-channel Gateway API CRDs of ${GATEWAY_API_BUNDLE_VERSION}, and none of Envoy Gateway's`, async (t) => {
    const objects = await render(t);
    if (!objects) return;
    const crds = objects.filter((o) => o.kind === "CustomResourceDefinition");
    const names = crds.map((c) => c.metadata.name);
    for (const kind of ["gatewayclasses", "gateways", "httproutes", "grpcroutes", "referencegrants"]) {
      assert.ok(names.includes(`${kind}.gateway.networking.k8s.io`), `${kind} missing from ${names.join(", ")}`);
    }
    assert.ok(
      names.every((n) => n.endsWith(".gateway.networking.k8s.io")),
      names.join(", "),
    );
    for (const crd of crds) {
      assert.equal(crd.metadata.annotations?.["gateway.networking.k8s.io/bundle-version"], GATEWAY_API_BUNDLE_VERSION);
      assert.equal(crd.metadata.annotations?.["gateway.networking.k8s.io/channel"], "standard");
    }
  });

  it("the waypoint Gateway of the app namespace validates against the rendered Gateway CRD", async (t) => {
    const objects = await render(t);
    if (!objects) return;
    const waypoint = app(full, WORKLOADS_APP).objects?.find((o) => o.kind === "Gateway") as KubeObject;
    const validator = await createValidator([...objects, waypoint]);
    assert.equal(validator.schemaSource("gateway.networking.k8s.io/v1", "Gateway"), "crd");
    assert.deepEqual(validator.validate(waypoint), []);
    for (const o of objects) assert.deepEqual(validator.validate(o), [], `${o.kind} ${o.metadata.name}`);
  });
});
