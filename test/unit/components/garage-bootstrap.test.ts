import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { GARAGE_BOOTSTRAP_SCRIPT } from "../../../src/components/lib/garage-bootstrap-script.ts";
import { FakeGarage, FakeKube } from "./garage-fakes.ts";

/**
 * The bootstrap script is tested as shipped: its text is written to a file
 * and imported, exactly as `node /bootstrap/bootstrap.mjs` loads it in the Job.
 */
// biome-ignore lint/suspicious/noExplicitAny: the script is plain JavaScript, loaded at run time
let script: any;
const dir = mkdtempSync(join(tmpdir(), "kindling-garage-bootstrap-"));

before(async () => {
  const file = join(dir, "bootstrap.mjs");
  writeFileSync(file, GARAGE_BOOTSTRAP_SCRIPT);
  script = await import(pathToFileURL(file).href);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe("garage bootstrap decisions", () => {
  it("adds a role only for nodes without one, current or staged", () => {
    const role = { zone: "kind", capacity: 5 };
    const fresh = script.planLayout({ version: 0, roles: [], stagedRoleChanges: [] }, ["a", "b"], role);
    assert.deepEqual(fresh, {
      roles: [
        { id: "a", zone: "kind", capacity: 5, tags: [] },
        { id: "b", zone: "kind", capacity: 5, tags: [] },
      ],
      apply: true,
      version: 1,
    });
    const done = script.planLayout({ version: 3, roles: [{ id: "a" }, { id: "b" }], stagedRoleChanges: [] }, ["a", "b"], role);
    assert.deepEqual(done, { roles: [], apply: false, version: 4 });
    // An earlier run staged the change but died before applying it: apply, add nothing.
    const staged = script.planLayout(
      { version: 1, roles: [{ id: "a" }], stagedRoleChanges: [{ id: "b", zone: "kind" }] },
      ["a", "b"],
      role,
    );
    assert.deepEqual(staged, { roles: [], apply: true, version: 2 });
  });

  it("connects only the nodes that are not up", () => {
    const status = {
      nodes: [
        { id: "a", isUp: true },
        { id: "b", isUp: true },
        { id: "c", isUp: false },
      ],
    };
    assert.deepEqual(
      script.planConnect(status, [
        { id: "b", rpc: "b:3901" },
        { id: "c", rpc: "c:3901" },
      ]),
      ["c@c:3901"],
    );
  });

  it("reuses the oldest key of a name, creates one only when none exists", () => {
    const keys = [
      { id: "GK2", name: "loki", created: "2026-01-02T00:00:00Z" },
      { id: "GK1", name: "loki", created: "2026-01-01T00:00:00Z" },
      { id: "GK3", name: "tempo", created: "2026-01-01T00:00:00Z" },
    ];
    assert.equal(script.planKey(keys, "loki"), "GK1");
    assert.equal(script.planKey(keys, "other"), null);
  });

  it("grants only what is missing", () => {
    const perms = (read: boolean, write: boolean) => ({ keys: [{ accessKeyId: "GK1", permissions: { read, write, owner: true } }] });
    assert.equal(script.planGrant(perms(true, true), "GK1"), false);
    assert.equal(script.planGrant(perms(true, false), "GK1"), true);
    assert.equal(script.planGrant({ keys: [] }, "GK1"), true);
  });

  it("leaves a Secret alone when it already holds exactly the values", () => {
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    const want = { AWS_ACCESS_KEY_ID: "GK1", AWS_SECRET_ACCESS_KEY: "s" };
    assert.equal(script.planSecret(null, want), "create");
    assert.equal(script.planSecret({ data: { AWS_ACCESS_KEY_ID: b64("GK1"), AWS_SECRET_ACCESS_KEY: b64("s") } }, want), "unchanged");
    assert.equal(script.planSecret({ data: { AWS_ACCESS_KEY_ID: b64("GK0"), AWS_SECRET_ACCESS_KEY: b64("s") } }, want), "update");
    assert.equal(script.planSecret({ data: { AWS_ACCESS_KEY_ID: b64("GK1") } }, want), "update");
  });
});

describe("garage bootstrap run (fake Garage admin API v2 and Kubernetes API on loopback)", () => {
  let kube: FakeKube;
  let garage: FakeGarage;
  const tokenFile = join(dir, "token");
  const quiet = () => {};

  const plan = () => ({
    namespace: "garage",
    secret: "garage-secrets",
    nodes: garage.urls.map((admin, i) => ({ admin, rpc: `garage-${i}.garage-headless:3901` })),
    role: { zone: "kind", capacity: 5 * 2 ** 30 },
    buckets: ["loki-chunks", "loki-ruler", "tempo-traces"],
    clients: [
      { key: "loki", namespace: "observability", secret: "loki-s3", buckets: ["loki-chunks", "loki-ruler"] },
      { key: "tempo", namespace: "observability", secret: "tempo-s3", buckets: ["tempo-traces"] },
    ],
  });
  const run = () => script.main({ plan: plan(), env: { KUBE_API_URL: kube.url, KUBE_TOKEN_FILE: tokenFile }, log: quiet, waitMs: 20_000 });

  beforeEach(async () => {
    await kube?.stop();
    await garage?.stop();
    writeFileSync(tokenFile, "sa-token\n");
    kube = await new FakeKube("sa-token").start();
    garage = await new FakeGarage(3).start();
    // Garage accepts the admin token the bootstrap stored in its Secret, as the real pods read it from their env.
    garage.token = () => kube.values("garage", "garage-secrets")?.["admin-token"];
  });
  after(async () => {
    await kube?.stop();
    await garage?.stop();
  });

  it("sets everything up on the first run, and changes nothing on the second", async () => {
    garage.startupFailures = 4; // pods still starting: the script waits for them
    const first: string[] = await run();
    assert.ok(first.includes("secret garage/garage-secrets: create"), first.join("\n"));
    assert.ok(first.includes("connected 2 node(s)"));
    assert.ok(first.includes("layout v1: 3 role(s) added"));
    for (const b of ["loki-chunks", "loki-ruler", "tempo-traces"]) assert.ok(first.includes(`bucket ${b}: create`));
    assert.ok(first.includes("secret observability/loki-s3: create"));
    assert.ok(first.includes("secret observability/tempo-s3: create"));

    // What was set up is what Loki and Tempo need.
    assert.equal(garage.layout.roles.length, 3);
    assert.match(kube.values("garage", "garage-secrets")?.["rpc-secret"] ?? "", /^[0-9a-f]{64}$/);
    const loki = kube.values("observability", "loki-s3");
    const lokiKey = garage.keys.find((k) => k.name === "loki");
    assert.deepEqual(loki, { AWS_ACCESS_KEY_ID: lokiKey?.id, AWS_SECRET_ACCESS_KEY: lokiKey?.secret });
    for (const b of ["loki-chunks", "loki-ruler"]) {
      assert.deepEqual(
        garage.buckets.get(b)?.keys.map((k) => [k.name, k.permissions.read, k.permissions.write]),
        [["loki", true, true]],
      );
    }
    assert.deepEqual(
      garage.buckets.get("tempo-traces")?.keys.map((k) => k.name),
      ["tempo"],
    );

    // Second run: reads only.
    const secretsBefore = JSON.stringify([...kube.secrets]);
    const garageWrites = garage.mutations().length;
    const kubeWrites = kube.log.filter((r) => r.method !== "GET").length;
    const second: string[] = await run();
    assert.deepEqual(second, []);
    assert.equal(garage.mutations().length, garageWrites, "no Garage admin call that changes state");
    assert.equal(kube.log.filter((r) => r.method !== "GET").length, kubeWrites, "no Kubernetes write");
    assert.equal(JSON.stringify([...kube.secrets]), secretsBefore);
    assert.equal(garage.keys.length, 2);
  });

  it("repairs only what was lost: a deleted client Secret comes back with the same key", async () => {
    await run();
    const before = kube.values("observability", "tempo-s3");
    kube.secrets.delete("observability/tempo-s3");
    const changes: string[] = await run();
    assert.deepEqual(changes, ["secret observability/tempo-s3: create"]);
    assert.deepEqual(kube.values("observability", "tempo-s3"), before);
    assert.equal(garage.keys.length, 2, "no second key for tempo");
  });

  it("finishes a layout an earlier run staged but did not apply", async () => {
    await run();
    // Simulate a crash between UpdateClusterLayout and ApplyClusterLayout on a fresh cluster state.
    garage.layout = { version: 1, roles: [], stagedRoleChanges: garage.nodeIds.map((id) => ({ id, zone: "kind", capacity: 1, tags: [] })) };
    const changes: string[] = await run();
    assert.deepEqual(changes, ["layout v2: 0 role(s) added"]);
    assert.equal(garage.layout.roles.length, 3);
  });

  it("never regenerates Garage's own secrets once they exist", async () => {
    await run();
    const own = kube.values("garage", "garage-secrets");
    await run();
    assert.deepEqual(kube.values("garage", "garage-secrets"), own);
  });
});
