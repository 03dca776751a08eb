/** Helpers of the sample application's harness tests and benchmark: the harness's environment, HTTP, servers. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';

/** The harness's harness.env (KEY=value lines), from HARNESS_ENV. */
export function harnessEnv(): Record<string, string> {
  const file = process.env.HARNESS_ENV;
  if (!file) throw new Error('HARNESS_ENV is not set: run scripts/app/harness.sh');
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** One HTTP request to the application; rejects on a network error (refused, reset). */
export function request(base: string, method: string, path: string, body?: unknown, agent?: Agent | false): Promise<Response> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(base + path, {
      method,
      agent,
      headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      timeout: 30_000,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Runs scripts/app/servers.sh <work> <command> (start-pg, stop-pg, start-redis, stop-redis, wait-cluster). */
export function servers(env: Record<string, string>, ...args: string[]): string {
  return execFileSync('bash', [env.SERVERS, env.WORK, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 120_000 });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface LoadResult {
  total: number;
  byStatus: Record<string, number>;
  failures: string[];
  cache: Record<string, number>;
}

/**
 * A bounded load: `concurrency` loops, each sending the next request of `next()` until stop() (or `maxMs`).
 * A failure is a 5xx or a network error.
 */
export function startLoad(base: string, concurrency: number, next: (i: number) => { method: string; path: string; body?: unknown },
  maxMs = 60_000): { stop: () => Promise<LoadResult> } {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const result: LoadResult = { total: 0, byStatus: {}, failures: [], cache: {} };
  let running = true;
  const deadline = Date.now() + maxMs;
  let counter = 0;
  const loops = Array.from({ length: concurrency }, async () => {
    while (running && Date.now() < deadline) {
      const r = next(counter++);
      try {
        const res = await request(base, r.method, r.path, r.body, agent);
        result.byStatus[res.status] = (result.byStatus[res.status] ?? 0) + 1;
        const cache = String(res.headers['x-cache'] ?? 'none');
        result.cache[cache] = (result.cache[cache] ?? 0) + 1;
        if (res.status >= 500) result.failures.push(`${r.method} ${r.path}: ${res.status} ${JSON.stringify(res.body)}`);
      } catch (err) {
        result.failures.push(`${r.method} ${r.path}: ${(err as Error).message}`);
      }
      result.total++;
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      return result;
    },
  };
}
