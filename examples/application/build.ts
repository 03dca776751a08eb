/**
 * Builds the release: dist/release/server.js, the server and every dependency bundled by esbuild (platform node,
 * Node.js 20, CommonJS), and a package.json that pins CommonJS. No timestamps and no absolute paths: the same sources
 * give byte-identical files, whose hash becomes the CDK asset hash of the release.
 *
 *   npx ts-node --transpile-only --project tsconfig.dev.json examples/application/build.ts   (or: npx projen app:build)
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

const here = __dirname;
const out = join(here, 'dist', 'release');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const result = buildSync({
  absWorkingDir: here,
  entryPoints: ['src/server.ts'],
  outfile: join(out, 'server.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // pg's optional native binding: never loaded (pg.native is not used).
  external: ['pg-native'],
  legalComments: 'eof',
  charset: 'utf8',
  sourcemap: false,
  minify: false,
  logLevel: 'warning',
  metafile: true,
});
writeFileSync(join(out, 'package.json'), JSON.stringify({ name: 'webapp-release', private: true, type: 'commonjs' }, null, 2) + '\n');

// Self-contained: the bundle imports Node's built-in modules only (and the never-loaded pg-native).
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'pg-native']);
const outside = Object.values(result.metafile!.outputs).flatMap((o) => o.imports)
  .filter((i) => i.external && !builtins.has(i.path)).map((i) => i.path);
if (outside.length > 0) throw new Error(`the bundle requires modules it does not contain: ${[...new Set(outside)].join(', ')}`);

for (const file of readdirSync(out).sort()) {
  const content = readFileSync(join(out, file));
  console.log(`${createHash('sha256').update(content).digest('hex')}  ${content.length.toString().padStart(9)}  dist/release/${file}`);
}
