import assert from "node:assert/strict";
import { test } from "node:test";
import { isNetworkFailure } from "../../../src/helm/fetch.ts";
import { mapConcurrent } from "../../../src/helm/limit.ts";
import { canonicalJson, renderCacheKey } from "../../../src/helm/render-cache.ts";
import { mirrorFileName, pullArgs, validateSpecs } from "../../../src/helm/spec.ts";

test("canonicalJson sorts keys at every level and keeps array order", () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [3, { y: 1, x: 2 }], c: null } }), '{"a":{"c":null,"d":[3,{"x":2,"y":1}]},"b":1}');
  assert.equal(canonicalJson({ a: undefined, b: 1 }), '{"b":1}');
});

test("renderCacheKey depends on values, not on their key order", () => {
  const parts = {
    helm: "/h:1:2",
    name: "t",
    content: "sha256:x",
    release: "r",
    namespace: "n",
    values: { a: 1, b: { c: 2 } },
    includeCrds: false,
    skipTests: true,
    apiVersions: [],
  };
  assert.equal(renderCacheKey(parts), renderCacheKey({ ...parts, values: { b: { c: 2 }, a: 1 } }));
  assert.notEqual(renderCacheKey(parts), renderCacheKey({ ...parts, values: { a: 2, b: { c: 2 } } }));
  assert.notEqual(renderCacheKey(parts), renderCacheKey({ ...parts, helm: "/h:1:3" }));
  assert.match(renderCacheKey(parts), /^[0-9a-f]{64}$/);
});

test("pullArgs: classic repositories use --repo, OCI registries a reference", () => {
  const spec = { chart: "traefik", version: "39.0.0" };
  assert.deepEqual(pullArgs({ ...spec, repository: "https://traefik.github.io/charts" }, "/d"), [
    "pull",
    "traefik",
    "--repo",
    "https://traefik.github.io/charts",
    "--version",
    "39.0.0",
    "--destination",
    "/d",
  ]);
  assert.deepEqual(pullArgs({ ...spec, repository: "oci://ghcr.io/traefik/helm/" }, "/d"), [
    "pull",
    "oci://ghcr.io/traefik/helm/traefik",
    "--version",
    "39.0.0",
    "--destination",
    "/d",
  ]);
  assert.equal(mirrorFileName(spec), "traefik-39.0.0.tgz");
});

test("network failures are told apart from missing charts", () => {
  assert.ok(
    isNetworkFailure(
      'Error: looks like "https://x" is not a valid chart repository or cannot be reached: Get "https://x/index.yaml": dial tcp: lookup x on 10.0.0.1:53: no such host',
    ),
  );
  assert.ok(isNetworkFailure('Error: Get "http://127.0.0.1:9/index.yaml": dial tcp 127.0.0.1:9: connect: connection refused'));
  assert.ok(!isNetworkFailure('Error: chart "hello" version "7.7.7" not found in http://127.0.0.1:1234 repository'));
});

test("validateSpecs rejects duplicate names and empty fields", () => {
  const s = { name: "a", repository: "r", chart: "c", version: "1" };
  assert.doesNotThrow(() => validateSpecs([s, { ...s, name: "b" }]));
  assert.throws(() => validateSpecs([s, s]), /chart a is declared twice/);
  assert.throws(() => validateSpecs([{ ...s, version: "" }]), /chart a: `version` must be a non-empty string/);
});

test("mapConcurrent keeps order and respects the limit", async () => {
  let running = 0;
  let peak = 0;
  const out = await mapConcurrent([5, 1, 4, 2, 3], 2, async (n) => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, n * 3));
    running--;
    return n * 10;
  });
  assert.deepEqual(out, [50, 10, 40, 20, 30]);
  assert.equal(peak, 2);
});
