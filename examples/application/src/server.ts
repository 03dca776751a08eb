/**
 * The sample application: an items API on PostgreSQL with a Redis cache in front (cache-aside), as the instances of
 * ProductionWebApp run it (`node server.js`, configuration in /etc/webapp/config.env). See README.md.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Cache, type CacheStatus } from './cache';
import { loadConfig } from './config';
import { Database, DatabaseUnavailableError } from './db';
import { describeError, log } from './log';
import { Secrets } from './secrets';

const MAX_ID = 2_147_483_647;
const MAX_BODY_BYTES = 64 * 1024;

/** A client error: answered with its status and message, never a 500. */
class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly code = 'bad_request') {
    super(message);
  }
}

/** JSON text to send as it is (the cache holds items serialized). */
class JsonText {
  constructor(readonly text: string) {}
}

interface Item {
  id: number;
  name: string;
  description: string;
  updatedAt: string;
}

interface ItemRow {
  id: number;
  name: string;
  description: string;
  updated_at: Date;
}

/** What a request did, for its log line. */
interface RequestContext {
  cache?: CacheStatus;
  db?: string;
}

const toItem = (row: ItemRow): Item => ({ id: row.id, name: row.name, description: row.description, updatedAt: row.updated_at.toISOString() });
const itemKey = (id: number) => `item:${id}`;

function parseId(raw: string): number {
  if (!/^[1-9][0-9]{0,9}$/.test(raw) || Number(raw) > MAX_ID) {
    throw new HttpError(400, `id must be an integer from 1 to ${MAX_ID}, got ${JSON.stringify(decodeURIComponentSafe(raw))}`);
  }
  return Number(raw);
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function parseIntParam(params: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^[0-9]{1,10}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new HttpError(400, `${name} must be an integer from ${min} to ${max}`);
  }
  return Number(raw);
}

function validateItemBody(body: unknown): { name: string; description: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'the body must be a JSON object: {"name": string, "description"?: string}');
  }
  const { name, description, ...rest } = body as Record<string, unknown>;
  const unknownFields = Object.keys(rest).filter((k) => k !== 'id' && k !== 'updatedAt');
  if (unknownFields.length > 0) throw new HttpError(400, `unknown field(s): ${unknownFields.join(', ')}`);
  if (typeof name !== 'string' || name.trim().length === 0 || name.length > 200) {
    throw new HttpError(400, 'name must be a non-empty string of at most 200 characters');
  }
  if (description !== undefined && (typeof description !== 'string' || description.length > 2000)) {
    throw new HttpError(400, 'description must be a string of at most 2000 characters');
  }
  return { name, description: (description as string | undefined) ?? '' };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) throw new HttpError(415, 'the body must be JSON (Content-Type: application/json)', 'unsupported_media_type');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `the body must be at most ${MAX_BODY_BYTES} bytes`, 'payload_too_large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'the body is not valid JSON');
  }
}

/** A JSON response; `body` is serialized unless it is already JSON text (a cached item, sent as it is). */
function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = body instanceof JsonText ? body.text : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(payload)),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(payload);
}

async function main(): Promise<void> {
  const config = loadConfig();
  const secrets = new Secrets(config.region);
  const db = new Database(config.database, secrets);
  const cache = config.cache.enabled ? new Cache(config.cache, secrets) : undefined;
  await db.start();
  if (cache) await cache.start();
  // Migrations in the background: /health answers at once, /ready and the API say 503 until they are done.
  const migrations = db.migrate();

  let inFlight = 0;
  let shuttingDown = false;

  async function getItem(id: number, ctx: RequestContext): Promise<{ status: number; body: unknown }> {
    const key = itemKey(id);
    if (cache) {
      const cached = await cache.get(key);
      ctx.cache = cached.status;
      if (cached.value !== undefined) return { status: 200, body: new JsonText(cached.value) };
    } else {
      ctx.cache = 'bypass';
    }
    ctx.db = 'primary';
    const rows = await db.query<ItemRow>({
      name: 'item-get', text: 'SELECT id, name, description, updated_at FROM items WHERE id = $1', values: [id],
    });
    if (rows.length === 0) return { status: 404, body: { error: 'not_found', message: `no item ${id}` } };
    const item = toItem(rows[0]);
    if (cache && ctx.cache === 'miss') await cache.set(key, JSON.stringify(item));
    return { status: 200, body: item };
  }

  async function listItems(params: URLSearchParams, ctx: RequestContext): Promise<{ status: number; body: unknown }> {
    const limit = parseIntParam(params, 'limit', 20, 1, 100);
    const after = parseIntParam(params, 'after', 0, 0, MAX_ID);
    const { rows, source } = await db.read<ItemRow>({
      name: 'item-list',
      text: 'SELECT id, name, description, updated_at FROM items WHERE id > $1 ORDER BY id LIMIT $2',
      values: [after, limit],
    });
    ctx.db = source;
    const items = rows.map(toItem);
    const next = items.length === limit ? items[items.length - 1].id : null;
    return { status: 200, body: { items, next } };
  }

  async function putItem(id: number, req: IncomingMessage, ctx: RequestContext): Promise<{ status: number; body: unknown }> {
    const { name, description } = validateItemBody(await readJson(req));
    ctx.db = 'primary';
    // An upsert: retried as is after a lost connection, it stays correct (idempotent).
    const rows = await db.query<ItemRow & { inserted: boolean }>({
      name: 'item-put',
      text: `INSERT INTO items (id, name, description, updated_at) VALUES ($1, $2, $3, now())
        ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, updated_at = now()
        RETURNING id, name, description, updated_at, (xmax = 0) AS inserted`,
      values: [id, name, description],
    });
    if (cache) await cache.invalidate(itemKey(id));
    return { status: rows[0].inserted ? 201 : 200, body: toItem(rows[0]) };
  }

  async function ready(): Promise<{ status: number; body: unknown }> {
    const [database, cacheState] = await Promise.all([db.check(), cache ? cache.check() : Promise.resolve({ status: 'disabled' as const })]);
    const ok = database.primary.status === 'up' && db.isMigrated && !shuttingDown;
    return {
      status: ok ? 200 : 503,
      body: {
        status: ok ? 'ready' : 'unavailable',
        database: database.primary,
        replicas: database.replicas,
        migrations: db.isMigrated ? 'done' : 'pending',
        cache: cacheState,
        shuttingDown,
      },
    };
  }

  type Result = { status: number; body: unknown; headers?: Record<string, string> };
  async function route(req: IncomingMessage, url: URL, ctx: RequestContext): Promise<Result> {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    if (path === config.healthCheckPath || path === '/health') {
      return { status: 200, body: { status: 'ok', uptimeSeconds: Math.round(process.uptime()) } };
    }
    if (path === '/ready') return ready();
    if (path === '/api/items' || path === '/api/items/') {
      if (method !== 'GET') throw new HttpError(405, 'use GET', 'method_not_allowed');
      return listItems(url.searchParams, ctx);
    }
    const match = /^\/api\/items\/([^/]+)$/.exec(path);
    if (match) {
      const id = parseId(match[1]);
      if (method === 'GET') return getItem(id, ctx);
      if (method === 'PUT') return putItem(id, req, ctx);
      throw new HttpError(405, 'use GET or PUT', 'method_not_allowed');
    }
    throw new HttpError(404, `no route for ${method} ${path}`, 'not_found');
  }

  const server = createServer((req, res) => {
    const started = process.hrtime.bigint();
    const requestId = (req.headers['x-request-id'] as string | undefined)?.slice(0, 64) || randomUUID();
    const ctx: RequestContext = {};
    inFlight++;
    const url = new URL(req.url ?? '/', 'http://localhost');
    res.on('close', () => {
      inFlight--;
      log.info('request', {
        requestId,
        method: req.method,
        path: url.pathname,
        status: res.statusCode,
        latencyMs: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
        ...(ctx.cache ? { cache: ctx.cache } : {}),
        ...(ctx.db ? { db: ctx.db } : {}),
        ...(res.writableFinished ? {} : { aborted: true }),
      });
    });
    route(req, url, ctx).then(
      (result) => {
        const headers: Record<string, string> = { 'x-request-id': requestId, ...result.headers };
        if (ctx.cache) headers['x-cache'] = ctx.cache;
        if (shuttingDown) headers.connection = 'close';
        send(res, result.status, result.body, headers);
      },
      (err: unknown) => {
        const headers: Record<string, string> = { 'x-request-id': requestId };
        if (shuttingDown) headers.connection = 'close';
        if (err instanceof HttpError) {
          if (err.status === 405) headers.allow = url.pathname === '/api/items' ? 'GET' : 'GET, PUT';
          send(res, err.status, { error: err.code, message: err.message }, headers);
        } else if (err instanceof DatabaseUnavailableError) {
          log.warn('database unavailable', { requestId, ...describeError(err.cause ?? err) });
          send(res, 503, { error: 'database_unavailable', message: `The database is unavailable (${err.message}); retry later.` },
            { ...headers, 'retry-after': '5' });
        } else {
          log.error('request failed', { requestId, ...describeError(err) });
          send(res, 500, { error: 'internal', message: 'internal error', requestId }, headers);
        }
      },
    );
  });
  // Longer than the load balancer's idle timeout (60 s), so that the load balancer closes idle connections first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;

  async function shutdown(signal: string): Promise<void> {
    if (shuttingDown) return;
    shuttingDown = true;
    const started = Date.now();
    log.info('shutting down', { signal, inFlight });
    // No new connections; idle keep-alive connections closed; busy ones get `Connection: close` on their response.
    server.close();
    server.closeIdleConnections();
    const deadline = started + config.shutdownTimeoutMs;
    while (inFlight > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      server.closeIdleConnections();
    }
    if (inFlight > 0) log.warn('shutdown deadline reached, closing the remaining connections', { inFlight });
    server.closeAllConnections();
    await Promise.allSettled([db.stop(), cache?.stop()]);
    secrets.destroy();
    log.info('shutdown complete', { durationMs: Date.now() - started });
    process.exit(0);
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, '0.0.0.0', () => resolve());
  });
  log.info('listening', {
    port: config.port,
    healthCheckPath: config.healthCheckPath,
    cache: config.cache.enabled ? 'enabled' : 'disabled',
    replicas: db.replicaCount,
    node: process.version,
  });
  await migrations;
}

process.on('unhandledRejection', (err) => log.error('unhandled rejection', describeError(err)));
main().catch((err: unknown) => {
  log.error('startup failed', describeError(err));
  process.exit(1);
});
