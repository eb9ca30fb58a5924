// Builds everything the app and the browser host run: the renderer with Vite, and the
// main process, preload and browser host with esbuild (CommonJS, as Electron's sandboxed
// preload requires). Native modules and Electron stay external.
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.includes('--main-only') ? 'main' : 'all';

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  external: ['electron', 'better-sqlite3'],
  absWorkingDir: root,
};

await Promise.all([
  esbuild({ ...common, entryPoints: { main: 'electron/shell/main.ts' }, outdir: 'dist/electron', outExtension: { '.js': '.cjs' } }),
  esbuild({ ...common, entryPoints: { preload: 'electron/shell/preload.ts' }, outdir: 'dist/electron', outExtension: { '.js': '.cjs' } }),
  esbuild({ ...common, entryPoints: { web: 'electron/host/web-cli.ts' }, outdir: 'dist/electron', outExtension: { '.js': '.cjs' } }),
]);

if (only === 'all') {
  await viteBuild({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
}
console.error('built dist/');
