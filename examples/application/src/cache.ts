import { Cluster } from 'ioredis';
import { describeError, log } from './log';
import type { Secrets } from './secrets';

export interface CacheOptions {
  readonly host: string;
  readonly port: number;
  readonly authTokenSecretArn: string;
  readonly ca?: string;
  readonly ttlSeconds: number;
}

export type CacheStatus = 'hit' | 'miss' | 'bypass' | 'error';

/** The bound on any cache command: past it the request goes to the database. */
const COMMAND_TIMEOUT_MS = 250;
/** After this many failures in a row the cache is skipped for SKIP_MS, then tried again. */
const FAILURES_TO_SKIP = 3;
const SKIP_MS = 1000;
/** At most this many keys wait for a failed invalidation to be retried. */
const MAX_PENDING_INVALIDATIONS = 10_000;

function isAuthError(err: unknown): boolean {
  const messages: string[] = [];
  for (let e: unknown = err; e instanceof Error && messages.length < 3; e = (e as { lastNodeError?: unknown }).lastNodeError) {
    messages.push(e.message);
  }
  return messages.some((m) => /WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(m));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`cache command timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The ElastiCache (Redis cluster mode) client: TLS, the AUTH token from Secrets Manager (re-read when a node refuses
 * it: ElastiCache's ROTATE), no offline queue and bounded timeouts so that a cache outage costs the requests at most
 * COMMAND_TIMEOUT_MS (then nothing while the cache is skipped), and invalidations retried until they succeed.
 */
export class Cache {
  private cluster?: Cluster;
  private token = '';
  private failures = 0;
  private skipUntil = 0;
  private refreshing?: Promise<void>;
  private lastRefresh = 0;
  private readonly pendingInvalidations = new Set<string>();
  private retryTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly options: CacheOptions, private readonly secrets: Secrets) {}

  async start(): Promise<void> {
    this.token = await this.readToken();
    this.cluster = this.connect(this.token);
    this.retryTimer = setInterval(() => void this.retryInvalidations(), 500);
    this.retryTimer.unref();
  }

  private async readToken(): Promise<string> {
    const token = await this.secrets.read(this.options.authTokenSecretArn);
    if (!token) throw new Error('the cache AUTH token secret is empty');
    return token.trim();
  }

  private connect(token: string): Cluster {
    const cluster = new Cluster([{ host: this.options.host, port: this.options.port }], {
      // Keep the configuration endpoint's name (TLS verifies the name, not an address).
      dnsLookup: (address, callback) => callback(null, address),
      enableOfflineQueue: false,
      enableReadyCheck: true,
      // Reconnect forever, at most every 2 s: the cache is used again as soon as it is back.
      clusterRetryStrategy: (times) => Math.min(100 * times, 2000),
      slotsRefreshTimeout: 1000,
      slotsRefreshInterval: 5000,
      retryDelayOnFailover: 100,
      retryDelayOnClusterDown: 100,
      retryDelayOnTryAgain: 100,
      maxRedirections: 8,
      // Concurrent requests' commands to a node go out in one write (fewer syscalls under load).
      enableAutoPipelining: true,
      redisOptions: {
        password: token,
        // Verified TLS: Node's public CAs (ElastiCache's certificates are public), or the harness's CA.
        tls: this.options.ca ? { ca: this.options.ca, rejectUnauthorized: true } : { rejectUnauthorized: true },
        connectTimeout: 1000,
        commandTimeout: COMMAND_TIMEOUT_MS,
        maxRetriesPerRequest: 1,
      },
    });
    const onError = (err: unknown) => {
      if (isAuthError(err)) void this.refreshToken();
    };
    cluster.on('error', (err: unknown) => {
      log.warn('cache error', describeError(err));
      onError(err);
    });
    cluster.on('node error', (err: unknown, node: unknown) => {
      log.warn('cache node error', { node, ...describeError(err) });
      onError(err);
    });
    cluster.on('ready', () => log.info('cache ready'));
    return cluster;
  }

  /** A node refused the token: read the secret again, and reconnect with the new token if it changed. */
  private refreshToken(): Promise<void> {
    if (this.refreshing) return this.refreshing;
    if (Date.now() - this.lastRefresh < 1000 || this.stopped) return Promise.resolve();
    this.refreshing = (async () => {
      try {
        const token = await this.readToken();
        if (token !== this.token && !this.stopped) {
          const old = this.cluster;
          this.token = token;
          this.cluster = this.connect(token);
          old?.disconnect();
          log.info('cache AUTH token reloaded, reconnected');
        }
      } catch (err) {
        log.warn('cache secret read failed', describeError(err));
      } finally {
        this.lastRefresh = Date.now();
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** Whether a command may be sent now (connected and not skipped after repeated failures). */
  private usable(): Cluster | undefined {
    const cluster = this.cluster;
    if (!cluster || cluster.status !== 'ready' || Date.now() < this.skipUntil) return undefined;
    return cluster;
  }

  private async command<T>(run: (cluster: Cluster) => Promise<T>): Promise<T> {
    const cluster = this.cluster;
    if (!cluster || cluster.status !== 'ready') throw new Error(`cache not connected (${cluster?.status ?? 'not started'})`);
    try {
      const result = await withTimeout(run(cluster), COMMAND_TIMEOUT_MS);
      this.failures = 0;
      return result;
    } catch (err) {
      if (++this.failures >= FAILURES_TO_SKIP) this.skipUntil = Date.now() + SKIP_MS;
      if (isAuthError(err)) void this.refreshToken();
      throw err;
    }
  }

  /** The cached value, or why there is none. Never throws. */
  async get(key: string): Promise<{ value?: string; status: CacheStatus }> {
    if (this.pendingInvalidations.has(key) || !this.usable()) return { status: 'bypass' };
    try {
      const value = await this.command((c) => c.get(key));
      return value === null ? { status: 'miss' } : { value, status: 'hit' };
    } catch (err) {
      log.warn('cache read failed', { key, ...describeError(err) });
      return { status: 'error' };
    }
  }

  /** Fills the cache (with the TTL). Never throws. */
  async set(key: string, value: string): Promise<void> {
    if (this.pendingInvalidations.has(key) || !this.usable()) return;
    try {
      await this.command((c) => c.set(key, value, 'EX', this.options.ttlSeconds));
    } catch (err) {
      log.warn('cache write failed', { key, ...describeError(err) });
    }
  }

  /**
   * Invalidates a key. Never throws: when the cache cannot be reached the key is remembered, read from the database
   * (not the cache) by this instance, and deleted as soon as the cache answers.
   */
  async invalidate(key: string): Promise<void> {
    try {
      await this.command((c) => c.del(key));
      this.pendingInvalidations.delete(key);
    } catch (err) {
      if (this.pendingInvalidations.size < MAX_PENDING_INVALIDATIONS) this.pendingInvalidations.add(key);
      log.warn('cache invalidation deferred', { key, ...describeError(err) });
    }
  }

  private async retryInvalidations(): Promise<void> {
    if (this.pendingInvalidations.size === 0 || this.cluster?.status !== 'ready') return;
    for (const key of [...this.pendingInvalidations].slice(0, 500)) {
      try {
        await this.command((c) => c.del(key));
        this.pendingInvalidations.delete(key);
      } catch {
        return;
      }
    }
  }

  /** A PING to a primary, with its latency (for /ready). */
  async check(): Promise<{ status: 'up' | 'down'; latencyMs?: number; error?: string; pendingInvalidations: number }> {
    const started = process.hrtime.bigint();
    try {
      await this.command((c) => c.ping());
      return { status: 'up', latencyMs: Number(process.hrtime.bigint() - started) / 1e6, pendingInvalidations: this.pendingInvalidations.size };
    } catch (err) {
      return { status: 'down', error: err instanceof Error ? err.message : String(err), pendingInvalidations: this.pendingInvalidations.size };
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearInterval(this.retryTimer);
    const cluster = this.cluster;
    if (!cluster) return;
    try {
      await withTimeout(cluster.quit(), 1000);
    } catch {
      cluster.disconnect();
    }
  }
}
