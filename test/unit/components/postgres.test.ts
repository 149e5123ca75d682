import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { postgresInitSql, postgresRoles } from "../../../src/components/lib/postgres-sql.ts";
import { assertRestrictedWorkloads, dataOf, ENVS, find, objectsOf } from "./garage-render.ts";

// biome-ignore lint/suspicious/noExplicitAny: pod template
type Any = any;

describe("postgresql component", () => {
  it("uses the official image, not Bitnami", () => {
    for (const env of ENVS) {
      const sts = find(objectsOf(env, "postgresql"), "StatefulSet", "postgresql") as Any;
      assert.match(sts.spec.template.spec.containers[0].image, /^docker\.io\/library\/postgres:/);
      assert.doesNotMatch(JSON.stringify(objectsOf(env, "postgresql")), /bitnami/i);
    }
  });

  it("declares a database and role per service from the config, passwords only by Secret reference", () => {
    const objects = objectsOf("staging", "postgresql");
    assert.equal(objects.filter((o) => o.kind === "Secret").length, 0);
    const job = find(objects, "Job", "postgresql-init") as Any;
    const env = job.spec.template.spec.containers[0].env as Any[];
    for (const e of env.filter((x) => /PASSWORD/.test(x.name))) {
      assert.equal(e.value, undefined, `${e.name} must come from a Secret`);
      assert.equal(e.valueFrom.secretKeyRef.name, "postgresql-credentials");
    }
    assert.deepEqual(
      env.filter((x) => x.name.startsWith("PASSWORD_")).map((x) => [x.name, x.valueFrom.secretKeyRef.key]),
      [
        ["PASSWORD_APP", "app-password"],
        ["PASSWORD_ORDERS", "orders-password"],
      ],
    );
    const script = dataOf(objects, "postgresql-init", "init.sh");
    assert.match(script, /-v app_password="\$PASSWORD_APP" -v orders_password="\$PASSWORD_ORDERS"/);
    const sql = dataOf(objects, "postgresql-init", "databases.sql");
    assert.match(sql, /CREATE DATABASE %I OWNER %I', 'orders', 'orders'/);
  });

  it("names the init Job after its content, so a new database is a new run", () => {
    const name = (env: string) => find(objectsOf(env, "postgresql"), "Job", "postgresql-init").metadata.name;
    assert.match(name("local"), /^postgresql-init-[0-9a-f]{8}$/);
    assert.notEqual(name("local"), name("staging"));
  });

  it("generates guarded SQL, one role per owner, isolation by revoking CONNECT from PUBLIC", () => {
    const dbs = { shop: { owner: "shop_owner" }, audit: { owner: "shop_owner" }, app: {} };
    assert.deepEqual(postgresRoles(dbs), ["app", "shop_owner"]);
    const sql = postgresInitSql(dbs);
    assert.equal(sql.match(/CREATE ROLE %I/g)?.length, 2);
    assert.equal(sql.match(/WHERE NOT EXISTS/g)?.length, 5);
    assert.match(sql, /REVOKE ALL ON DATABASE %I FROM PUBLIC', 'audit'/);
    assert.doesNotMatch(sql, /PASSWORD '[^']/, "no literal password");
  });

  it("runs restricted and sized (server and init Job)", () => {
    for (const env of ENVS) assert.equal(assertRestrictedWorkloads(objectsOf(env, "postgresql")), 2);
  });
});
