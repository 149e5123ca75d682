import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { type PostgresqlOptions, postgresql } from "../../../src/components/postgresql.ts";
import type { RenderContext } from "../../../src/components/types.ts";
import type { KubeObject } from "../../../src/model/k8s.ts";
import { requireTool } from "../../helpers/tools.ts";

/**
 * The PostgreSQL component's init script and SQL, run as rendered (the
 * ConfigMap's init.sh, with the Job's libpq environment) against a real
 * PostgreSQL server on loopback, twice. Password logins are enforced
 * (scram-sha-256) for the service roles, so "can log in" means the password
 * the role was given works, and "cannot" means the server refused.
 */

const run = promisify(execFile);
const root = new URL("../../..", import.meta.url).pathname;

const PASSWORDS: Record<string, string> = {
  app: "app-secret-1",
  orders: `it's a "quoted" pass $word; with \\ and spaces`,
  payments: "pay-😀-ünïcode",
};
const options = (): PostgresqlOptions => ({
  ...postgresql.defaults({ env: "local", profile: "dev-fast" }),
  databases: { app: {}, orders: {}, billing: { owner: "payments" } },
});

function initFiles(): Record<string, string> {
  const ctx: RenderContext = {
    env: "local",
    profile: "dev-fast",
    gitops: { repoURL: "https://example.com/x.git", revision: "main", path: "manifests-result/local" },
    has: () => false,
    optionsOf: () => {
      throw new Error("no other component here");
    },
  };
  const objects = postgresql.render(ctx, options()).flatMap((a) => a.objects ?? []) as KubeObject[];
  const cm = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "postgresql-init");
  assert.ok(cm, "the component renders a postgresql-init ConfigMap");
  return cm.data as Record<string, string>;
}

async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

describe("postgresql init SQL on a real PostgreSQL", () => {
  it("creates a role and database per service, idempotently, each role confined to its database", { timeout: 180_000 }, async (t) => {
    const tools = ["initdb", "pg_ctl", "postgres", "psql", "pg_isready"].map((n) => requireTool(t, n));
    if (tools.some((p) => p === undefined)) return;
    const binDir = dirname(tools[3] as string);
    const dir = mkdtempSync(join(tmpdir(), "kindling-pg-"));
    const data = join(dir, "data");
    const port = await freePort();
    const env = { ...process.env, PATH: `${binDir}:${process.env.PATH}` };
    t.after(async () => {
      await run("bash", [join(root, "scripts/tools/pg-stop.sh"), data], { env, timeout: 60_000 }).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    });

    await run("bash", [join(root, "scripts/tools/pg-start.sh"), data, String(port)], { env, timeout: 90_000 });
    // pg-start trusts every loopback login; keep that for the superuser only and make service roles prove their password.
    writeFileSync(join(data, "pg_hba.conf"), "host all postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n");
    const psql = (user: string, db: string, sql: string, password?: string) =>
      run("psql", ["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", db, "-c", sql], {
        env: { ...env, PGPASSWORD: password ?? "", PGCONNECT_TIMEOUT: "10" },
        timeout: 30_000,
      }).then((r) => r.stdout.trim());
    await psql("postgres", "postgres", "SELECT pg_reload_conf()");

    const files = initFiles();
    writeFileSync(join(dir, "init.sh"), files["init.sh"] as string);
    writeFileSync(join(dir, "databases.sql"), files["databases.sql"] as string);
    const jobEnv = {
      ...env,
      PGHOST: "127.0.0.1",
      PGPORT: String(port),
      PGUSER: "postgres",
      PGDATABASE: "postgres",
      PGPASSWORD: "unused-with-trust",
      INIT_SQL: join(dir, "databases.sql"),
      ...Object.fromEntries(Object.entries(PASSWORDS).map(([role, pw]) => [`PASSWORD_${role.toUpperCase()}`, pw])),
    };
    const runInit = () => run("sh", [join(dir, "init.sh")], { env: jobEnv, timeout: 120_000 });

    // Everything an application could observe, minus the password hash (re-salted on each run by design).
    const catalog = () =>
      psql(
        "postgres",
        "postgres",
        `SELECT string_agg(x, E'\\n' ORDER BY x) FROM (
           SELECT 'role ' || rolname || ' login=' || rolcanlogin || ' super=' || rolsuper || ' createdb=' || rolcreatedb FROM pg_roles WHERE rolname IN ('app','orders','payments')
           UNION ALL
           SELECT 'db ' || datname || ' owner=' || pg_get_userbyid(datdba) || ' acl=' || coalesce(datacl::text, '') FROM pg_database WHERE datname IN ('app','orders','billing')
         ) s(x)`,
      );

    await runInit();
    const first = await catalog();
    assert.match(first, /db billing owner=payments/);
    assert.match(first, /role orders login=true super=false createdb=false/);
    await runInit();
    assert.equal(await catalog(), first, "a second run changes no role, database, owner or privilege");

    const owners: Record<string, string> = { app: "app", orders: "orders", billing: "payments" };
    for (const [db, role] of Object.entries(owners)) {
      const pw = PASSWORDS[role] as string;
      assert.equal(await psql(role, db, "SELECT current_user || '@' || current_database()", pw), `${role}@${db}`);
      // The owner can use its database: create, write, read.
      await psql(role, db, "CREATE TABLE IF NOT EXISTS t (id int); INSERT INTO t VALUES (1)", pw);
      await assert.rejects(psql(role, db, "SELECT 1", `${pw}-wrong`), /password authentication failed/);
      for (const other of Object.keys(owners).filter((d) => d !== db)) {
        await assert.rejects(psql(role, other, "SELECT 1", pw), /permission denied for database/, `${role} must not reach ${other}`);
      }
    }
  });
});
