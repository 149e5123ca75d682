import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AMBIENT_LABEL } from "../../../src/components/istio.ts";
import { MIDDLEWARES } from "../../../src/components/lib/traefik-middlewares.ts";
import { TRAEFIK_ROUTES_APP, type TraefikOptions, traefik, traefikValues } from "../../../src/components/traefik.ts";
import type { ProfileName, RenderContext } from "../../../src/components/types.ts";
import { deepMerge } from "../../../src/config/resolve.ts";
import type { ConfigIssue } from "../../../src/config/schema.ts";
import type { KubeObject } from "../../../src/model/k8s.ts";
import { app, appsOf } from "./profiles-environment.ts";

function resolve(overrides: unknown = {}, env = "local", profile: ProfileName = "dev-fast") {
  const issues: ConfigIssue[] = [];
  const options = traefik.options.check(deepMerge(traefik.defaults({ env, profile }), overrides), "traefik", issues);
  return { options: options as TraefikOptions, issues };
}

const ctx: RenderContext = {
  env: "local",
  profile: "dev-fast",
  gitops: { repoURL: "https://example.com/p.git", revision: "main", path: "manifests-result/local" },
  has: () => false,
  optionsOf: () => {
    throw new Error("not needed");
  },
};

const routed = resolve({
  routes: {
    shop: { host: "shop.localtest.me", service: "shop", port: 8080 },
    docs: { host: "docs.localtest.me", pathPrefix: "/v1", service: "docs", port: 80, auth: false },
  },
});

function byKindName(objects: KubeObject[] | undefined, kind: string, name: string): KubeObject {
  const found = objects?.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `${kind} ${name} not rendered`);
  return found;
}
const spec = (o: KubeObject) => o.spec as Record<string, Record<string, unknown>>;

describe("traefik options", () => {
  it("defaults are valid in every environment", () => {
    for (const env of ["local", "staging", "prod"]) assert.deepEqual(resolve({}, env, "full").issues, []);
  });

  it("claims NodePorts 30081 (HTTP) and 30444 (HTTPS)", () => {
    assert.deepEqual(traefik.nodePorts?.(resolve().options), [
      { port: 30081, option: "httpNodePort" },
      { port: 30444, option: "httpsNodePort" },
    ]);
  });

  it('refuses "*" and wildcard CORS origins with a message that says why', () => {
    for (const origin of ["*", "https://*.example.com"]) {
      const { issues } = resolve({ cors: { allowOrigins: ["https://ok.example.com", origin] } });
      assert.equal(issues.length, 1);
      assert.equal(issues[0]?.path, "traefik.cors.allowOrigins[1]");
      assert.match(issues[0]?.message ?? "", /would let any web page call these APIs.*list each allowed origin explicitly/);
    }
  });

  it("refuses an origin with a path, and an empty origin list", () => {
    assert.match(
      resolve({ cors: { allowOrigins: ["https://a.example.com/app"] } }).issues[0]?.message ?? "",
      /scheme:\/\/host\[:port\], no path/,
    );
    assert.match(resolve({ cors: { allowOrigins: [] } }).issues[0]?.message ?? "", /at least 1/);
  });

  it("takes auth users from a Secret by name; a pasted htpasswd line is refused", () => {
    const { issues } = resolve({ auth: { basicAuthSecret: "admin:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/" } });
    assert.equal(issues[0]?.path, "traefik.auth.basicAuthSecret");
    assert.match(issues[0]?.message ?? "", /the name of the Secret holding htpasswd users .*never the htpasswd users itself/);
  });

  it("needs an address for forward auth", () => {
    const { issues } = resolve({ auth: { mode: "forward" } });
    assert.deepEqual(issues, [
      { path: "traefik.auth.forwardAddress", message: 'required when mode is "forward": the URL of the auth service' },
    ]);
    assert.deepEqual(resolve({ auth: { mode: "forward", forwardAddress: "http://oauth2-proxy.auth.svc:4180" } }).issues, []);
  });

  it("checks route names, hosts and ports", () => {
    const { issues } = resolve({
      routes: { Bad_Name: { host: "x", service: "s", port: 1 }, ok: { host: "http://x", service: "s", port: 0 } },
    });
    assert.deepEqual(
      issues.map((i) => i.path),
      ["traefik.routes.Bad_Name", "traefik.routes.ok.host", "traefik.routes.ok.port"],
    );
  });
});

describe("traefik render", () => {
  const apps = traefik.render(ctx, routed.options);
  const [edge, routes] = apps;

  it("installs the pinned chart in edge and the routing into the application namespace after it", () => {
    assert.equal(edge?.name, "traefik");
    assert.equal(edge?.namespace, "edge");
    assert.equal(edge?.charts?.[0]?.chart.version, "41.3.0");
    assert.equal(edge?.charts?.[0]?.includeCrds, true, "the CRDs the routes app needs come with the chart");
    assert.equal(routes?.name, TRAEFIK_ROUTES_APP);
    assert.equal(routes?.namespace, "apps");
    assert.deepEqual(routes?.dependsOn, ["traefik"]);
  });

  it("waits for the workloads app when it declares the application namespace", () => {
    const withWorkloads: RenderContext = { ...ctx, has: (c) => c === "workloads", optionsOf: <O>() => ({ namespace: "apps" }) as O };
    assert.deepEqual(traefik.render(withWorkloads, routed.options)[1]?.dependsOn, ["traefik", "workloads"]);
    const elsewhere: RenderContext = { ...withWorkloads, optionsOf: <O>() => ({ namespace: "other" }) as O };
    assert.deepEqual(traefik.render(elsewhere, routed.options)[1]?.dependsOn, ["traefik"]);
  });

  it("passes NodePorts, restricted security contexts and no cross-namespace references to the chart", () => {
    const values = traefikValues(routed.options) as Record<string, Record<string, unknown>>;
    assert.deepEqual(values.ports, { web: { nodePort: 30081 }, websecure: { nodePort: 30444 } });
    assert.deepEqual(values.service, { spec: { type: "NodePort" } });
    assert.deepEqual(values.providers?.kubernetesCRD, { allowCrossNamespace: false, allowExternalNameServices: false });
    assert.deepEqual(values.securityContext, {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      readOnlyRootFilesystem: true,
    });
    assert.equal((values.podSecurityContext as Record<string, unknown>).runAsNonRoot, true);
    assert.deepEqual(values.resources, { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } });
  });

  it("stays out of any mesh without Istio: no pod labels, Traefik's own load balancing over pod IPs", () => {
    const values = traefikValues(routed.options) as Record<string, Record<string, Record<string, unknown>>>;
    assert.deepEqual(values.deployment, { replicas: 1 });
    assert.equal(values.providers?.kubernetesCRD?.nativeLBByDefault, undefined);
    assert.equal(values.providers?.kubernetesIngress?.nativeLBByDefault, undefined);
    assert.deepEqual(edge?.charts?.[0]?.values, traefikValues(routed.options));
  });

  it("joins the ambient mesh when Istio is present, sending to Services so the app namespace's waypoint sees the traffic", () => {
    const meshed: RenderContext = { ...ctx, has: (c) => c === "istio" };
    const values = traefik.render(meshed, routed.options)[0]?.charts?.[0]?.values as Record<
      string,
      Record<string, Record<string, unknown>>
    >;
    assert.deepEqual(values.deployment?.podLabels, { [AMBIENT_LABEL]: "ambient" });
    assert.equal(AMBIENT_LABEL, "istio.io/dataplane-mode");
    assert.equal(values.providers?.kubernetesCRD?.nativeLBByDefault, true);
    assert.equal(values.providers?.kubernetesIngress?.nativeLBByDefault, true);
    assert.equal(values.deployment?.replicas, 1);
  });

  it("is enrolled in the full profile (Istio on) and in no other", () => {
    type Values = { deployment: { podLabels?: Record<string, string> } };
    const podLabels = (profile: ProfileName) =>
      (app(appsOf(profile), "traefik").charts?.[0]?.values as Values | undefined)?.deployment.podLabels;
    assert.deepEqual(podLabels("full"), { [AMBIENT_LABEL]: "ambient" });
    assert.equal(podLabels("cilium"), undefined);
    assert.equal(podLabels("dev-fast"), undefined);
  });

  it("renders CORS with the explicit origins", () => {
    const headers = spec(byKindName(routes?.objects, "Middleware", MIDDLEWARES.cors)).headers;
    assert.deepEqual(headers?.accessControlAllowOriginList, ["http://localhost:30081"]);
    assert.equal(headers?.addVaryHeader, true);
  });

  it("renders security headers, with HSTS only outside local", () => {
    const local = spec(byKindName(routes?.objects, "Middleware", MIDDLEWARES.securityHeaders)).headers;
    assert.equal(local?.frameDeny, true);
    assert.equal(local?.contentTypeNosniff, true);
    assert.equal(local?.referrerPolicy, "strict-origin-when-cross-origin");
    assert.equal(local?.stsSeconds, undefined);
    const staging = traefik.render({ ...ctx, env: "staging" }, resolve({}, "staging", "full").options)[1];
    assert.equal(spec(byKindName(staging?.objects, "Middleware", MIDDLEWARES.securityHeaders)).headers?.stsSeconds, 31536000);
  });

  it("renders rate limiting and basic auth that only names its Secret", () => {
    assert.deepEqual(spec(byKindName(routes?.objects, "Middleware", MIDDLEWARES.rateLimit)).rateLimit, {
      average: 100,
      burst: 200,
      period: "1s",
    });
    const auth = spec(byKindName(routes?.objects, "Middleware", MIDDLEWARES.auth));
    assert.deepEqual(auth.basicAuth, { secret: "edge-basic-auth", realm: "kindling", removeHeader: true, headerField: "X-Forwarded-User" });
    assert.equal(
      routes?.objects?.some((o) => o.kind === "Secret"),
      false,
      "no Secret, so no credential, is ever rendered",
    );
  });

  it("renders forward auth that does not trust client-sent X-Forwarded headers", () => {
    const o = resolve({ auth: { mode: "forward", forwardAddress: "http://auth.auth.svc:4180" } }).options;
    const auth = spec(byKindName(traefik.render(ctx, o)[1]?.objects, "Middleware", MIDDLEWARES.auth));
    assert.deepEqual(auth.forwardAuth, {
      address: "http://auth.auth.svc:4180",
      trustForwardHeader: false,
      authResponseHeaders: ["X-Forwarded-User"],
    });
  });

  it("chains CORS before rate limit before auth", () => {
    const chain = (name: string) =>
      (spec(byKindName(routes?.objects, "Middleware", name)).chain?.middlewares as { name: string }[] | undefined)?.map((m) => m.name);
    assert.deepEqual(chain(MIDDLEWARES.public), [MIDDLEWARES.securityHeaders, MIDDLEWARES.cors, MIDDLEWARES.rateLimit]);
    assert.deepEqual(chain(MIDDLEWARES.protected), [
      MIDDLEWARES.securityHeaders,
      MIDDLEWARES.cors,
      MIDDLEWARES.rateLimit,
      MIDDLEWARES.auth,
    ]);
  });

  it("routes host/path to the service in the same namespace, protected unless auth is false", () => {
    const shop = spec(byKindName(routes?.objects, "IngressRoute", "shop"));
    assert.deepEqual(shop, {
      entryPoints: ["web", "websecure"],
      routes: [
        {
          kind: "Rule",
          match: "Host(`shop.localtest.me`)",
          middlewares: [{ name: MIDDLEWARES.protected }],
          services: [{ name: "shop", port: 8080 }],
        },
      ],
    } as unknown);
    const docs = (spec(byKindName(routes?.objects, "IngressRoute", "docs")).routes as unknown as Record<string, unknown>[])[0];
    assert.equal(docs?.match, "Host(`docs.localtest.me`) && PathPrefix(`/v1`)");
    assert.deepEqual(docs?.middlewares, [{ name: MIDDLEWARES.public }]);
    const refs = JSON.stringify(routes?.objects);
    assert.equal(refs.includes('"namespace"'), false, "no cross-namespace reference anywhere");
  });
});
