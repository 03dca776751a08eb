/**
 * The sample application's benchmark (not a test), run by `scripts/app/harness.sh --bench` against the harness's
 * servers: requests/s and p50/p99 latency of item reads that hit the cache, that miss it, and the same reads as the
 * hits on an instance with the cache disabled (CACHE_DISABLED=true). Median of 3 runs of each. Target: cache hits
 * at least 3x the throughput of the uncached reads, and their p99 under 10 ms.
 *
 * Environment: HARNESS_ENV (set by the harness), BENCH_DURATION (seconds per run, default 5), BENCH_CONNECTIONS
 * (default 10).
 */
import autocannon from 'autocannon';
import { harnessEnv, request } from './lib';

const env = harnessEnv();
const duration = Number(process.env.BENCH_DURATION ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const RUNS = 3;
const HOT = 100; // the items the hit and uncached cases read (ids 1..100)
let nextMiss = 100_001; // never read before: every request of the miss case is a miss

interface Run {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function run(url: string, path: () => string, seconds = duration): Promise<Run> {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: path() }) }],
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const hot = () => `/api/items/${1 + Math.floor(Math.random() * HOT)}`;

async function main(): Promise<void> {
  // Warm the cache and both processes (JIT, pools), then check that the hits are hits and the misses misses.
  for (let id = 1; id <= HOT; id++) await request(env.APP_URL, 'GET', `/api/items/${id}`);
  await run(env.APP_URL, hot, 2);
  await run(env.APP2_URL, hot, 2);
  if ((await request(env.APP_URL, 'GET', '/api/items/1')).headers['x-cache'] !== 'hit') throw new Error('the hot items are not cached');
  if ((await request(env.APP2_URL, 'GET', '/api/items/1')).headers['x-cache'] !== 'bypass') throw new Error('the second instance has a cache');

  const cases: { name: string; url: string; path: () => string }[] = [
    { name: 'cache hits', url: env.APP_URL, path: hot },
    { name: 'cache misses (database, then fill)', url: env.APP_URL, path: () => `/api/items/${nextMiss++}` },
    { name: 'uncached reads (cache disabled)', url: env.APP2_URL, path: hot },
  ];
  const rows: { name: string; rps: number; p50: number; p99: number; bad: number }[] = [];
  for (const c of cases) {
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      runs.push(await run(c.url, c.path));
      console.log(`${c.name}, run ${i + 1}: ${runs[i].rps.toFixed(0)} req/s, p50 ${runs[i].p50} ms, p99 ${runs[i].p99} ms`);
    }
    rows.push({
      name: c.name,
      rps: median(runs.map((r) => r.rps)),
      p50: median(runs.map((r) => r.p50)),
      p99: median(runs.map((r) => r.p99)),
      bad: runs.reduce((n, r) => n + r.non2xx + r.errors, 0),
    });
  }
  if (nextMiss > 300_000) console.log(`note: ${nextMiss - 100_001} misses asked for, more than the seeded items (the last ones were 404s)`);

  console.log(`\nSample application benchmark: median of ${RUNS} runs of ${duration} s, ${connections} connections, one machine`);
  console.log('| case | requests/s | p50 (ms) | p99 (ms) | non-2xx + errors |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.bad} |`);
  const [hits, , uncached] = rows;
  const ratio = hits.rps / uncached.rps;
  const holds = ratio >= 3 && hits.p99 < 10;
  console.log(`\ncache hits / uncached reads: ${ratio.toFixed(2)}x throughput (target >= 3x); cache hit p99 ${hits.p99} ms (target < 10 ms)`);
  console.log(`target ${holds ? 'holds' : 'does NOT hold'}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
