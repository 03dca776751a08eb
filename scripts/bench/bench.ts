/**
 * Synthesis benchmark: the complete system (the default ProductionWebApp, four stacks) against an app with one empty
 * stack, each synthesized by a fresh `node` process (load aws-cdk-lib, construct, synthesize with aws-cdk-lib's
 * template rules on), as `cdk synth` runs an app. Prints the median of 5 runs of each and their ratio; the target is a
 * complete system in at most 2.5 times the empty stack's time. Uses the compiled library in lib/ (`npx projen compile`).
 *
 * Usage: ts-node scripts/bench/bench.ts [runs]
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const RUNS = Number(process.argv[2] ?? 5);
const TARGET_RATIO = 2.5;
const app = path.join(__dirname, 'app.js');

if (!fs.existsSync(path.join(__dirname, '..', '..', 'lib', 'index.js'))) {
  throw new Error('lib/index.js is missing: run npx projen compile first');
}

interface Run { readonly seconds: number; readonly stacks: number; readonly resources: number }

function run(variant: string): Run {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${variant}-`));
  try {
    const started = process.hrtime.bigint();
    const output = execFileSync(process.execPath, [app, variant, outdir], { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'ignore'] });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { seconds, ...JSON.parse(output) };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

run('empty'); // warm the file system cache, not counted
const results: Record<string, Run[]> = { empty: [], complete: [] };
for (let i = 0; i < RUNS; i++) {
  // Interleaved, so that a change in the machine's load affects both alike.
  for (const variant of ['empty', 'complete']) results[variant].push(run(variant));
}
const empty = median(results.empty.map(r => r.seconds));
const complete = median(results.complete.map(r => r.seconds));
const ratio = complete / empty;
const { stacks, resources } = results.complete[0];
const format = (runs: Run[]) => runs.map(r => r.seconds.toFixed(2)).join(' ');
console.log(`node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map(l => l.toFixed(1)).join(' ')}`);
console.log(`empty stack:      median ${empty.toFixed(2)} s over ${RUNS} runs (${format(results.empty)})`);
console.log(`complete system:  median ${complete.toFixed(2)} s over ${RUNS} runs (${format(results.complete)}), ${stacks} stacks, ${resources} resources`);
console.log(`ratio: ${ratio.toFixed(2)} (target at most ${TARGET_RATIO}): ${ratio <= TARGET_RATIO ? 'MET' : 'NOT MET'}`);
