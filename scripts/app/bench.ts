/**
 * The sample application's benchmark (not a test), run by `scripts/app/harness.sh --bench` against the harness's
 * servers: requests/s and p50/p99 latency of item reads that hit the cache, that miss it, and the same reads as the
 * hits on an instance with the cache disabled (CACHE_DISABLED=true). Median of 3 runs of each. Target: cache hits
 * at least 3x the throughput of the uncached reads, and their p99 under 10 ms.
 *
 * The machine is shared (the load generator, this process, runs on the same cores as the servers, and on a shared
 * machine so does other work), so requests/s move with the load around them. The runs of the three cases are therefore
 * interleaved (hits, misses, uncached, then again), each run prints the load average, and each run also measures the
 * CPU time spent per request by every process involved (the application, the Redis nodes, the PostgreSQL server
 * processes, and the load generator) from /proc: on a saturated machine, throughput is the cores divided by the CPU
 * time per request, and that figure depends much less on the neighbours' load.
 *
 * Environment: HARNESS_ENV (set by the harness), BENCH_DURATION (seconds per run, default 5), BENCH_CONNECTIONS
 * (default 10).
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { harnessEnv, request } from './lib';

const env = harnessEnv();
const duration = Number(process.env.BENCH_DURATION ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const RUNS = 3;
const HOT = 100; // the items the hit and uncached cases read (ids 1..100)
let nextMiss = 100_001; // never read before: every request of the miss case is a miss

/** CPU time per request (µs) of each process involved. */
interface Cpu {
  app: number;
  redis: number;
  postgres: number;
  generator: number;
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  cpu?: Cpu;
  load: number;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU time (µs) of each given process, by pid (user + system, from /proc/<pid>/stat); a process gone is left out. */
function cpuOf(pids: number[]): Map<number, number> {
  const times = new Map<number, number>();
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      times.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS); // utime and stime
    } catch {
      // exited
    }
  }
  return times;
}

/** The PostgreSQL postmaster and its children (backends come and go with the pools' idle timeouts). */
function postgresPids(): number[] {
  const pidFile = join(env.WORK, 'pg', 'data', 'postmaster.pid');
  if (!existsSync(pidFile)) return [];
  const postmaster = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    const children = readFileSync(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return [postmaster, ...children];
  } catch {
    return [postmaster];
  }
}

function redisPids(): number[] {
  return [1, 2, 3, 4].map((i) => join(env.WORK, 'redis', `node${i}`, 'pid')).filter(existsSync).map((f) => Number(readFileSync(f, 'utf8')));
}

/** The CPU time used between two readings (a process that started in between counts from zero). */
const used = (before: Map<number, number>, after: Map<number, number>) =>
  [...after].reduce((sum, [pid, t]) => sum + t - (before.get(pid) ?? 0), 0);

async function run(url: string, path: () => string, seconds = duration, appPid?: number): Promise<Run> {
  const measured = process.platform === 'linux' && appPid !== undefined;
  const before = measured ? { app: cpuOf([appPid]), redis: cpuOf(redisPids()), pg: cpuOf(postgresPids()), gen: process.cpuUsage() } : undefined;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: path() }) }],
  });
  let cpu: Cpu | undefined;
  if (before && result.requests.total > 0) {
    const n = result.requests.total;
    const gen = process.cpuUsage(before.gen);
    cpu = {
      app: used(before.app, cpuOf([appPid!])) / n,
      redis: used(before.redis, cpuOf(redisPids())) / n,
      postgres: used(before.pg, cpuOf(postgresPids())) / n,
      generator: (gen.user + gen.system) / n,
    };
  }
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    cpu,
    load: loadavg()[0],
  };
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

  const appPid = env.APP_PID ? Number(env.APP_PID) : undefined;
  const app2Pid = env.APP2_PID ? Number(env.APP2_PID) : undefined;
  const cases: { name: string; url: string; path: () => string; pid?: number; runs: Run[] }[] = [
    { name: 'cache hits', url: env.APP_URL, path: hot, pid: appPid, runs: [] },
    { name: 'cache misses (database, then fill)', url: env.APP_URL, path: () => `/api/items/${nextMiss++}`, pid: appPid, runs: [] },
    { name: 'uncached reads (cache disabled)', url: env.APP2_URL, path: hot, pid: app2Pid, runs: [] },
  ];
  const fmt = (cpu?: Cpu) => cpu
    ? `CPU/request: app ${cpu.app.toFixed(0)} µs, redis ${cpu.redis.toFixed(0)} µs, postgres ${cpu.postgres.toFixed(0)} µs, load generator ${cpu.generator.toFixed(0)} µs`
    : 'CPU/request: not measured';
  // Interleaved, so that a change in the machine's load during the benchmark weighs on every case alike.
  for (let i = 0; i < RUNS; i++) {
    for (const c of cases) {
      const r = await run(c.url, c.path, duration, c.pid);
      c.runs.push(r);
      console.log(`${c.name}, run ${i + 1}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms; ${fmt(r.cpu)}; load average ${r.load.toFixed(2)}`);
    }
  }
  const medianCpu = (runs: Run[]): Cpu | undefined => runs.every((r) => r.cpu)
    ? {
      app: median(runs.map((r) => r.cpu!.app)),
      redis: median(runs.map((r) => r.cpu!.redis)),
      postgres: median(runs.map((r) => r.cpu!.postgres)),
      generator: median(runs.map((r) => r.cpu!.generator)),
    }
    : undefined;
  const rows = cases.map((c) => ({
    name: c.name,
    rps: median(c.runs.map((r) => r.rps)),
    p50: median(c.runs.map((r) => r.p50)),
    p99: median(c.runs.map((r) => r.p99)),
    bad: c.runs.reduce((n, r) => n + r.non2xx + r.errors, 0),
    cpu: medianCpu(c.runs),
  }));
  if (nextMiss > 300_000) console.log(`note: ${nextMiss - 100_001} misses asked for, more than the seeded items (the last ones were 404s)`);

  const loads = cases.flatMap((c) => c.runs.map((r) => r.load));
  console.log(`\nSample application benchmark: median of ${RUNS} interleaved runs of ${duration} s, ${connections} connections, one machine`
    + ` (load average ${Math.min(...loads).toFixed(1)} to ${Math.max(...loads).toFixed(1)} on ${availableParallelism()} cores)`);
  console.log('| case | requests/s | p50 (ms) | p99 (ms) | non-2xx + errors | CPU µs/request: app + redis + postgres (+ load generator) |');
  console.log('|---|---:|---:|---:|---:|---:|');
  const total = (c?: Cpu) => (c ? c.app + c.redis + c.postgres : NaN);
  for (const r of rows) {
    const [a, b, c] = r.cpu ? [r.cpu.app, r.cpu.redis, r.cpu.postgres].map(Math.round) : [];
    const cpu = r.cpu ? `${a} + ${b} + ${c} = ${a + b + c} (+ ${r.cpu.generator.toFixed(0)})` : '-';
    console.log(`| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.bad} | ${cpu} |`);
  }
  const [hits, , uncached] = rows;
  const ratio = hits.rps / uncached.rps;
  const holds = ratio >= 3 && hits.p99 < 10;
  console.log(`\ncache hits / uncached reads: ${ratio.toFixed(2)}x throughput (target >= 3x); cache hit p99 ${hits.p99} ms (target < 10 ms)`);
  if (hits.cpu && uncached.cpu) {
    console.log(`CPU time per request, uncached / hit: servers ${(total(uncached.cpu) / total(hits.cpu)).toFixed(2)}x, `
      + `with the load generator ${((total(uncached.cpu) + uncached.cpu.generator) / (total(hits.cpu) + hits.cpu.generator)).toFixed(2)}x `
      + '(the throughput ratio of a saturated machine, whatever its neighbours)');
  }
  console.log(`target ${holds ? 'holds' : 'does NOT hold'}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
