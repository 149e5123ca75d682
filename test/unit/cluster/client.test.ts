import assert from "node:assert/strict";
import { createServer } from "node:http";
import { test } from "node:test";
import { KubeClient } from "../../../src/cluster/client.ts";
import { ApiError, isTransient, UnreachableError } from "../../../src/cluster/errors.ts";

const status = (code: number, message: string) => new ApiError("PATCH", "/x", code, { message });

test("transient: connection failures, 429, 502-504, etcd and webhook hiccups; not: rejections", () => {
  assert.equal(isTransient(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })), true);
  assert.equal(isTransient(status(429, "too many requests")), true);
  assert.equal(isTransient(status(503, "unavailable")), true);
  assert.equal(isTransient(status(500, "etcdserver: leader changed")), true);
  assert.equal(
    isTransient(status(500, 'Internal error occurred: failed calling webhook "validation.istio.io": no endpoints available')),
    true,
  );
  assert.equal(isTransient(status(422, "spec.ports[0].port: Invalid value")), false);
  assert.equal(isTransient(status(500, "something else")), false);
});

test("the client retries transient answers with backoff and reports the server's refusal otherwise", async () => {
  let calls = 0;
  const server = createServer((req, res) => {
    calls++;
    if (req.url?.startsWith("/flaky") && calls < 3) {
      res.writeHead(503, { "content-type": "application/json", "retry-after": "0" });
      res.end(JSON.stringify({ kind: "Status", message: "starting", reason: "ServiceUnavailable", code: 503 }));
      return;
    }
    if (req.url?.startsWith("/bad")) {
      res.writeHead(422, { "content-type": "application/json" });
      res.end(JSON.stringify({ kind: "Status", message: "invalid", reason: "Invalid", code: 422 }));
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: true }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const client = new KubeClient({ server: `http://127.0.0.1:${port}`, context: "t", file: "-" }, { retryBudgetMs: 5_000 });
  try {
    assert.deepEqual(await client.get("/flaky"), { ok: true });
    assert.equal(client.stats.retries, 2);
    await assert.rejects(client.get("/bad"), (err: ApiError) => err.status === 422 && err.reason === "Invalid");
    assert.equal(client.stats.retries, 2, "a rejection is not retried");
  } finally {
    client.close();
    server.close();
  }
  const gone = new KubeClient({ server: `http://127.0.0.1:${port}`, context: "t", file: "-" }, { retryBudgetMs: 300 });
  await assert.rejects(gone.get("/x"), UnreachableError);
  gone.close();
});
