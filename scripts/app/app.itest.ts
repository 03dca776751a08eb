/**
 * The sample application's eight behaviours against real servers (run by scripts/app/harness.sh, never by the unit
 * suite): cache-aside, invalidation, database password rotation, cache AUTH token rotation, cache failover, cache
 * down, database down, and SIGTERM. Query counts come from pg_stat_statements, not from the application.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import {
  DescribeSecretCommand, PutSecretValueCommand, SecretsManagerClient, UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { Cluster, Redis } from 'ioredis';
import { Client } from 'pg';
import { harnessEnv, request, servers, sleep, startLoad } from './lib';

/** Cache requests that may fail during a primary failover (the README states this bound). */
const FAILOVER_FAILURE_BOUND = 0;

const env = harnessEnv();
const app = env.APP_URL;
const ca = readFileSync(env.CA_FILE, 'utf8');
const redisPorts = env.REDIS_PORTS.split(',').map(Number);
const sm = new SecretsManagerClient({
  endpoint: env.MOTO_URL, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
});
const token = () => readFileSync(env.REDIS_TOKEN_FILE, 'utf8').trim();
const nodeClient = (port: number, password = token()) =>
  new Redis({ host: '127.0.0.1', port, password, tls: { ca }, maxRetriesPerRequest: 1, lazyConnect: false });
const clusterClient = () => new Cluster([{ host: '127.0.0.1', port: redisPorts[0] }], {
  redisOptions: { password: token(), tls: { ca } }, dnsLookup: (address, cb) => cb(null, address),
});

let pg: Client;
const superuser = () => {
  const client = new Client({
    host: '127.0.0.1',
    port: Number(env.PG_PORT),
    user: env.PG_SUPERUSER,
    password: env.PG_SUPERUSER_PASSWORD,
    database: 'app',
    ssl: { ca, rejectUnauthorized: true },
  });
  client.on('error', () => undefined); // the database is stopped on purpose in test 7
  return client;
};

/** Executions of the application's item read, as PostgreSQL counted them. */
async function itemReads(): Promise<number> {
  const { rows } = await pg.query<{ calls: string }>(
    "SELECT coalesce(sum(calls), 0) AS calls FROM pg_stat_statements WHERE query LIKE 'SELECT id, name, description, updated_at FROM items WHERE id = $1%'");
  return Number(rows[0].calls);
}

const appLog = () => readFileSync(env.APP_LOG, 'utf8');

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    await sleep(200);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** The cache serves this item again: a read, then a read that is a hit. */
const cacheServes = (id: number) => async () => {
  await request(app, 'GET', `/api/items/${id}`);
  return (await request(app, 'GET', `/api/items/${id}`)).headers['x-cache'] === 'hit';
};

/** A mixed load: reads of `ids` items (cached after their first read) and one write in five, which invalidates. */
const mixedLoad = (first: number, count: number) => (i: number) => {
  const id = first + (i * 7919) % count;
  return i % 5 === 4
    ? { method: 'PUT', path: `/api/items/${id}`, body: { name: `item ${id} v${i}`, description: 'under load' } }
    : { method: 'GET', path: `/api/items/${id}` };
};

beforeAll(async () => {
  pg = superuser();
  await pg.connect();
});

afterAll(async () => {
  await pg.end();
  sm.destroy();
});

test('1. cache-aside: a miss reads the database and fills the cache; the next read makes no query', async () => {
  const id = 1001;
  const before = await itemReads();
  const first = await request(app, 'GET', `/api/items/${id}`);
  expect(first.status).toBe(200);
  expect(first.headers['x-cache']).toBe('miss');
  expect(first.body).toMatchObject({ id, name: `item ${id}` });
  const afterMiss = await itemReads();
  expect(afterMiss - before).toBe(1);

  const cluster = clusterClient();
  try {
    expect(JSON.parse((await cluster.get(`item:${id}`))!)).toEqual(first.body);
    const ttl = await cluster.ttl(`item:${id}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);
  } finally {
    cluster.disconnect();
  }

  const second = await request(app, 'GET', `/api/items/${id}`);
  expect(second.status).toBe(200);
  expect(second.headers['x-cache']).toBe('hit');
  expect(second.body).toEqual(first.body);
  expect(await itemReads()).toBe(afterMiss);
});

test('2. a write invalidates the cached item; the next read sees the new value', async () => {
  const id = 1002;
  await request(app, 'GET', `/api/items/${id}`);
  expect((await request(app, 'GET', `/api/items/${id}`)).headers['x-cache']).toBe('hit');
  const put = await request(app, 'PUT', `/api/items/${id}`, { name: 'renamed', description: 'changed by test 2' });
  expect(put.status).toBe(200);
  expect(put.body).toMatchObject({ id, name: 'renamed', description: 'changed by test 2' });

  const cluster = clusterClient();
  try {
    expect(await cluster.exists(`item:${id}`)).toBe(0);
  } finally {
    cluster.disconnect();
  }
  const before = await itemReads();
  const read = await request(app, 'GET', `/api/items/${id}`);
  expect(read.headers['x-cache']).toBe('miss');
  expect(read.body).toMatchObject({ name: 'renamed', description: 'changed by test 2' });
  expect(await itemReads()).toBe(before + 1);
  expect((await request(app, 'GET', `/api/items/${id}`)).body).toMatchObject({ name: 'renamed' });

  // A new item: 201; bad input: 400 with a message, never a 500.
  expect((await request(app, 'PUT', '/api/items/2000000001', { name: 'new' })).status).toBe(201);
  for (const [method, path, body] of [
    ['GET', '/api/items/abc'], ['GET', '/api/items/0'], ['GET', '/api/items/99999999999'], ['GET', '/api/items?limit=1000'],
    ['PUT', '/api/items/5', { name: '' }], ['PUT', '/api/items/5', { name: 3 }], ['PUT', '/api/items/5', [1]],
    ['PUT', '/api/items/5', { name: 'x', colour: 'red' }], ['PUT', '/api/items/5', { name: 'x'.repeat(201) }],
  ] as [string, string, unknown?][]) {
    const res = await request(app, method, path, body);
    expect([path, res.status]).toEqual([path, 400]);
    expect(typeof res.body.message).toBe('string');
  }
  // A page, from the read replica (DATABASE_REPLICA_HOSTS), as the request's log line says.
  const page = await request(app, 'GET', '/api/items?limit=3&after=10');
  expect(page.status).toBe(200);
  expect(page.body.items.map((i: { id: number }) => i.id)).toEqual([11, 12, 13]);
  const requestId = String(page.headers['x-request-id']);
  await waitFor('the log line of the page', async () => appLog().includes(requestId));
  const line = JSON.parse(appLog().split('\n').find((l) => l.includes(requestId) && l.includes('"msg":"request"'))!);
  expect(line).toMatchObject({ status: 200, db: 'replica', path: '/api/items' });
  expect(typeof line.latencyMs).toBe('number');
});

test('3. database password rotation (single-user, AWSPENDING then AWSCURRENT) under load: no failed request', async () => {
  const load = startLoad(app, 8, mixedLoad(3000, 500));
  await sleep(700);
  const secretArn = env.DB_SECRET_ARN;
  const password = randomBytes(16).toString('hex');
  // Secrets Manager's rotation: createSecret (AWSPENDING), setSecret (the database), finishSecret (AWSCURRENT).
  const pending = await sm.send(new PutSecretValueCommand({
    SecretId: secretArn,
    VersionStages: ['AWSPENDING'],
    SecretString: JSON.stringify({ username: 'dbadmin', password, engine: 'postgres', host: '127.0.0.1', port: Number(env.PG_PORT), dbname: 'app' }),
  }));
  await pg.query(`ALTER ROLE dbadmin PASSWORD '${password}'`);
  // New connections are what a rotation affects: drop the application's idle ones so that it must open new ones.
  const dropIdle = () => pg.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'dbadmin' AND state = 'idle'");
  await dropIdle();
  await sleep(1000);
  const described = await sm.send(new DescribeSecretCommand({ SecretId: secretArn }));
  const current = Object.entries(described.VersionIdsToStages ?? {}).find(([, stages]) => stages.includes('AWSCURRENT'))![0];
  await sm.send(new UpdateSecretVersionStageCommand({
    SecretId: secretArn, VersionStage: 'AWSCURRENT', MoveToVersionId: pending.VersionId, RemoveFromVersionId: current,
  }));
  await sm.send(new UpdateSecretVersionStageCommand({ SecretId: secretArn, VersionStage: 'AWSPENDING', RemoveFromVersionId: pending.VersionId }));
  await sleep(700);
  await dropIdle();
  await sleep(1200);
  const result = await load.stop();
  console.log('rotation load', JSON.stringify(result.byStatus), 'cache', JSON.stringify(result.cache));
  expect(result.failures).toEqual([]);
  expect(result.total).toBeGreaterThan(100);
  expect(appLog()).toContain('database credentials reloaded');
  // The application's connections now use the new password.
  const { rows } = await pg.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE usename = 'dbadmin'");
  expect(Number(rows[0].n)).toBeGreaterThan(0);
});

test('4. cache AUTH token rotation as ElastiCache does it (ROTATE, then the old token revoked) under load: no failed request', async () => {
  const load = startLoad(app, 8, mixedLoad(4000, 200));
  await sleep(700);
  const oldToken = token();
  const newToken = randomBytes(24).toString('hex');
  const nodes = redisPorts.map((port) => nodeClient(port, oldToken));
  try {
    // Both tokens valid.
    for (const node of nodes) await node.call('ACL', 'SETUSER', 'default', 'on', `>${oldToken}`, `>${newToken}`);
    await sm.send(new PutSecretValueCommand({ SecretId: env.CACHE_SECRET_ARN, SecretString: newToken }));
    writeFileSync(env.REDIS_TOKEN_FILE, newToken + '\n');
    for (const node of nodes) await node.config('SET', 'masterauth', newToken);
    await sleep(700);
    // The old token revoked, and every client connection dropped: the application must reconnect with the new one.
    for (const node of nodes) await node.call('ACL', 'SETUSER', 'default', `<${oldToken}`);
    for (const node of nodes) await node.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
  } finally {
    nodes.forEach((n) => n.disconnect());
  }
  await sleep(2500);
  const result = await load.stop();
  console.log('AUTH rotation load', JSON.stringify(result.byStatus), 'cache', JSON.stringify(result.cache));
  expect(result.failures).toEqual([]);
  expect(result.total).toBeGreaterThan(100);
  await waitFor('cache hits with the new token', cacheServes(4999));
  expect(appLog()).toContain('cache AUTH token reloaded');
  // The old token no longer works.
  const stale = nodeClient(redisPorts[0], oldToken);
  stale.on('error', () => undefined);
  await expect(stale.ping()).rejects.toThrow(/WRONGPASS|NOAUTH|max retries|closed|Connection/i);
  stale.disconnect();
});

test(`5. cache primary failover (CLUSTER FAILOVER on a replica) under load: at most ${FAILOVER_FAILURE_BOUND} failed requests`, async () => {
  const load = startLoad(app, 8, mixedLoad(5000, 200));
  await sleep(700);
  const nodes = redisPorts.map((port) => nodeClient(port));
  try {
    const roles = await Promise.all(nodes.map(async (n) => /role:(\w+)/.exec(await n.info('replication'))![1]));
    const replica = nodes[roles.indexOf('slave')];
    expect(replica).toBeDefined();
    await replica.cluster('FAILOVER');
    await waitFor('the replica to become a primary', async () => /role:master/.test(await replica.info('replication')), 15_000);
  } finally {
    nodes.forEach((n) => n.disconnect());
  }
  await sleep(2500);
  const result = await load.stop();
  console.log('failover load', JSON.stringify(result.byStatus), 'cache', JSON.stringify(result.cache));
  expect(result.failures.length).toBeLessThanOrEqual(FAILOVER_FAILURE_BOUND);
  expect(result.total).toBeGreaterThan(100);
  servers(env, 'wait-cluster');
  await waitFor('cache hits after the failover', cacheServes(5999));
});

test('6. whole cache down: no 5xx, /ready says cache down, the cache is used again when it is back', async () => {
  servers(env, 'stop-redis');
  try {
    const load = startLoad(app, 4, mixedLoad(6000, 100));
    await sleep(3000);
    const ready = await request(app, 'GET', '/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.cache.status).toBe('down');
    const put = await request(app, 'PUT', '/api/items/6001', { name: 'written while the cache is down' });
    expect(put.status).toBe(200);
    const read = await request(app, 'GET', '/api/items/6001');
    expect(read.status).toBe(200);
    expect(read.body.name).toBe('written while the cache is down');
    const result = await load.stop();
    console.log('cache down load', JSON.stringify(result.byStatus), 'cache', JSON.stringify(result.cache));
    expect(result.failures).toEqual([]);
    expect(result.total).toBeGreaterThan(50);
  } finally {
    servers(env, 'start-redis');
    servers(env, 'wait-cluster');
  }
  await waitFor('/ready to report the cache up', async () => (await request(app, 'GET', '/ready')).body.cache.status === 'up', 30_000);
  await waitFor('cache hits after the cache is back', cacheServes(6002), 30_000);
  expect((await request(app, 'GET', '/api/items/6001')).body.name).toBe('written while the cache is down');
});

test('7. database down: 503 with a clear body, no crash, recovery without restart', async () => {
  await request(app, 'GET', '/api/items/7002'); // cached before the outage
  servers(env, 'stop-pg');
  try {
    const miss = await request(app, 'GET', '/api/items/7001');
    expect(miss.status).toBe(503);
    expect(miss.body).toMatchObject({ error: 'database_unavailable' });
    expect(miss.body.message).toMatch(/database is unavailable/);
    expect(miss.headers['retry-after']).toBe('5');
    const put = await request(app, 'PUT', '/api/items/7001', { name: 'x' });
    expect(put.status).toBe(503);
    const ready = await request(app, 'GET', '/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.database.status).toBe('down');
    expect((await request(app, 'GET', '/health')).status).toBe(200);
    // Cached items are still served.
    const cached = await request(app, 'GET', '/api/items/7002');
    expect([cached.status, cached.headers['x-cache']]).toEqual([200, 'hit']);
    expect(() => process.kill(Number(env.APP_PID), 0)).not.toThrow();
  } finally {
    servers(env, 'start-pg');
  }
  await pg.end();
  pg = superuser();
  await pg.connect();
  await waitFor('reads after the database is back', async () => (await request(app, 'GET', '/api/items/7001')).status === 200);
  expect((await request(app, 'GET', '/ready')).status).toBe(200);
  expect((await request(app, 'PUT', '/api/items/7001', { name: 'after the outage' })).status).toBe(200);
});

test('8. SIGTERM under load: every request accepted before it completes, then the process exits', async () => {
  const pid = Number(env.APP_PID);
  // Hold the reads in the database: a transaction locks the table, so that they are in flight at SIGTERM.
  await pg.query('BEGIN');
  await pg.query('LOCK TABLE items IN ACCESS EXCLUSIVE MODE');
  const inFlight = Array.from({ length: 16 }, (_, i) => request(app, 'GET', `/api/items/${8001 + i}`));
  await waitFor('16 reads waiting on the lock', async () => {
    // A transaction sees one snapshot of the statistics unless it is cleared.
    await pg.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await pg.query<{ n: string }>(
      "SELECT count(*) AS n FROM pg_stat_activity WHERE usename = 'dbadmin' AND wait_event_type = 'Lock'");
    return Number(rows[0].n) >= 16;
  }, 10_000);
  const signalled = Date.now();
  process.kill(pid, 'SIGTERM');
  await sleep(300);
  // No new connection is accepted.
  await expect(request(app, 'GET', '/health', undefined, false)).rejects.toThrow(/ECONNREFUSED/);
  await pg.query('ROLLBACK');
  const responses = await Promise.all(inFlight);
  expect(responses.map((r) => r.status)).toEqual(Array(16).fill(200));
  await waitFor('the process to exit', async () => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  }, 25_000);
  const exitedAfterMs = Date.now() - signalled;
  console.log(`exited ${exitedAfterMs} ms after SIGTERM`);
  expect(exitedAfterMs).toBeLessThan(10_000);
  expect(appLog()).toContain('"msg":"shutdown complete"');
});
