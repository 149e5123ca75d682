import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * In-memory stand-ins for the two APIs the Garage bootstrap script talks to,
 * on 127.0.0.1, for tests of its decisions. They follow the documented
 * shapes (Garage admin API v2, doc/api/garage-admin-v2.json at v2.0.0; the
 * Kubernetes core/v1 Secret REST API) and record every request, so a test can
 * assert that a second run changes nothing. They are imitations: the real
 * programs' behaviour beyond these calls is not modelled.
 */

export interface Recorded {
  method: string;
  path: string;
}

type Handler = (req: IncomingMessage, url: URL, body: unknown) => { status: number; body?: unknown };

async function serve(handler: Handler, log: Recorded[]): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://x");
    log.push({ method: req.method ?? "GET", path: url.pathname });
    const out = handler(req, url, text ? JSON.parse(text) : undefined);
    res.writeHead(out.status, { "content-type": "application/json" });
    res.end(out.body === undefined ? "" : JSON.stringify(out.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const close = (s: Server) => new Promise<void>((resolve) => s.close(() => resolve()));

interface Secret {
  metadata: { name: string; namespace: string; resourceVersion: string; labels?: Record<string, string> };
  data: Record<string, string>;
  [k: string]: unknown;
}

export class FakeKube {
  readonly secrets = new Map<string, Secret>();
  readonly log: Recorded[] = [];
  url = "";
  private server?: Server;
  private version = 1;

  constructor(readonly token: string) {}

  async start(): Promise<this> {
    const s = await serve((req, url, body) => this.handle(req, url, body), this.log);
    this.server = s.server;
    this.url = s.url;
    return this;
  }

  stop = () => (this.server ? close(this.server) : Promise.resolve());

  values(ns: string, name: string): Record<string, string> | undefined {
    const s = this.secrets.get(`${ns}/${name}`);
    if (!s) return undefined;
    return Object.fromEntries(Object.entries(s.data).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]));
  }

  private handle(req: IncomingMessage, url: URL, body: unknown): { status: number; body?: unknown } {
    if (req.headers.authorization !== `Bearer ${this.token}`) return { status: 401, body: { reason: "Unauthorized" } };
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/secrets(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m) return { status: 404, body: { reason: "NotFound" } };
    const [, ns, name] = m as unknown as [string, string, string | undefined];
    if (req.method === "GET" && name) {
      const s = this.secrets.get(`${ns}/${name}`);
      return s ? { status: 200, body: s } : { status: 404, body: { reason: "NotFound" } };
    }
    const obj = body as Secret;
    const key = `${ns}/${obj.metadata.name}`;
    if (req.method === "POST" && !name) {
      if (this.secrets.has(key)) return { status: 409, body: { reason: "AlreadyExists" } };
      this.secrets.set(key, { ...obj, metadata: { ...obj.metadata, namespace: ns, resourceVersion: String(this.version++) } });
      return { status: 201, body: this.secrets.get(key) };
    }
    if (req.method === "PUT" && name) {
      const cur = this.secrets.get(key);
      if (!cur) return { status: 404, body: { reason: "NotFound" } };
      if (obj.metadata.resourceVersion !== cur.metadata.resourceVersion) return { status: 409, body: { reason: "Conflict" } };
      this.secrets.set(key, { ...obj, metadata: { ...obj.metadata, namespace: ns, resourceVersion: String(this.version++) } });
      return { status: 200, body: this.secrets.get(key) };
    }
    return { status: 405, body: { reason: "MethodNotAllowed" } };
  }
}

interface Bucket {
  id: string;
  globalAliases: string[];
  keys: { accessKeyId: string; name: string; permissions: { read: boolean; write: boolean; owner: boolean } }[];
}

/** A Garage cluster of n nodes, each with its own admin API endpoint, sharing one cluster state. */
export class FakeGarage {
  readonly log: Recorded[] = [];
  readonly nodeIds: string[];
  readonly connected = new Set<string>();
  layout = { version: 0, roles: [] as Record<string, unknown>[], stagedRoleChanges: [] as Record<string, unknown>[] };
  readonly buckets = new Map<string, Bucket>();
  readonly keys: { id: string; name: string; secret: string; created: string }[] = [];
  urls: string[] = [];
  /** The admin token the servers accept; set once the bootstrap has generated it. */
  token: () => string | undefined = () => undefined;
  /** Nodes answer 503 for this many requests first, like pods still starting. */
  startupFailures = 0;
  private servers: Server[] = [];

  constructor(n: number) {
    this.nodeIds = Array.from({ length: n }, () => randomBytes(32).toString("hex"));
    this.connected.add(this.nodeIds[0] as string);
  }

  async start(): Promise<this> {
    for (const id of this.nodeIds) {
      const s = await serve((req, url, body) => this.handle(id, req, url, body), this.log);
      this.servers.push(s.server);
      this.urls.push(s.url);
    }
    return this;
  }

  stop = () => Promise.all(this.servers.map(close));

  mutations(): Recorded[] {
    return this.log.filter((r) => r.method === "POST");
  }

  private handle(self: string, req: IncomingMessage, url: URL, body: unknown): { status: number; body?: unknown } {
    if (this.startupFailures > 0) {
      this.startupFailures--;
      return { status: 503 };
    }
    const token = this.token();
    if (!token || req.headers.authorization !== `Bearer ${token}`) return { status: 403, body: { code: "Forbidden" } };
    const q = url.searchParams;
    const op = url.pathname.replace(/^\/v2\//, "");
    const b = body as Record<string, unknown>;
    switch (`${req.method} ${op}`) {
      case "GET GetNodeInfo":
        return q.get("node") === "self"
          ? {
              status: 200,
              body: { success: { [self]: { nodeId: self, garageVersion: "v2.1.0", rustVersion: "x", dbEngine: "sqlite" } }, error: {} },
            }
          : { status: 400 };
      case "GET GetClusterStatus":
        return {
          status: 200,
          body: {
            layoutVersion: this.layout.version,
            nodes: this.nodeIds.map((id) => ({ id, isUp: this.connected.has(id), draining: false })),
          },
        };
      case "POST ConnectClusterNodes":
        return {
          status: 200,
          body: (body as string[]).map((s) => {
            const id = s.split("@")[0] as string;
            const known = this.nodeIds.includes(id);
            if (known) this.connected.add(id);
            return { success: known, error: known ? null : "unknown node" };
          }),
        };
      case "GET GetClusterLayout":
        return { status: 200, body: { ...this.layout, parameters: { zoneRedundancy: "maximum" }, partitionSize: 0 } };
      case "POST UpdateClusterLayout": {
        for (const r of (b.roles as Record<string, unknown>[]) ?? []) {
          this.layout.stagedRoleChanges = [...this.layout.stagedRoleChanges.filter((c) => c.id !== r.id), r];
        }
        return { status: 200, body: this.layout };
      }
      case "POST ApplyClusterLayout": {
        if (b.version !== this.layout.version + 1) return { status: 400, body: { message: "wrong version" } };
        const staged = this.layout.stagedRoleChanges;
        this.layout = {
          version: this.layout.version + 1,
          roles: [...this.layout.roles.filter((r) => !staged.some((c) => c.id === r.id)), ...staged.filter((c) => !c.remove)],
          stagedRoleChanges: [],
        };
        return { status: 200, body: { message: [], layout: this.layout } };
      }
      case "GET GetBucketInfo": {
        const bucket = this.buckets.get(q.get("globalAlias") ?? "");
        return bucket ? { status: 200, body: bucket } : { status: 404, body: { code: "NoSuchBucket" } };
      }
      case "POST CreateBucket": {
        const alias = b.globalAlias as string;
        if (this.buckets.has(alias)) return { status: 409, body: { code: "BucketAlreadyExists" } };
        const bucket: Bucket = { id: randomBytes(32).toString("hex"), globalAliases: [alias], keys: [] };
        this.buckets.set(alias, bucket);
        return { status: 200, body: bucket };
      }
      case "GET ListKeys":
        return { status: 200, body: this.keys.map((k) => ({ id: k.id, name: k.name, created: k.created, expired: false })) };
      case "POST CreateKey": {
        const k = {
          id: `GK${randomBytes(12).toString("hex")}`,
          name: b.name as string,
          secret: randomBytes(32).toString("hex"),
          created: new Date().toISOString(),
        };
        this.keys.push(k);
        return { status: 200, body: { accessKeyId: k.id, name: k.name, secretAccessKey: k.secret, buckets: [] } };
      }
      case "GET GetKeyInfo": {
        const k = this.keys.find((x) => x.id === q.get("id"));
        if (!k) return { status: 404, body: { code: "NoSuchAccessKey" } };
        return {
          status: 200,
          body: { accessKeyId: k.id, name: k.name, secretAccessKey: q.get("showSecretKey") === "true" ? k.secret : null, buckets: [] },
        };
      }
      case "POST AllowBucketKey": {
        const bucket = [...this.buckets.values()].find((x) => x.id === b.bucketId);
        const key = this.keys.find((x) => x.id === b.accessKeyId);
        if (!bucket || !key) return { status: 404 };
        const perms = b.permissions as Bucket["keys"][number]["permissions"];
        bucket.keys = [...bucket.keys.filter((k) => k.accessKeyId !== key.id), { accessKeyId: key.id, name: key.name, permissions: perms }];
        return { status: 200, body: bucket };
      }
      default:
        return { status: 404, body: { code: "NoSuchEndpoint", op } };
    }
  }
}
