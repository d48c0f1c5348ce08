#!/usr/bin/env node
/**
 * Builds the dashboard page (libs/gateway/dashboard/web) into dist/dashboard/, which the
 * gateway serves at /dashboard: one ES module bundle (preact, uPlot and the page's own code)
 * and one stylesheet, with source maps, and the HTML shell. Run by `npm run build`,
 * `npm start`, `npm run start:split` and the e2e setup; `--watch` rebuilds on every change.
 */
const { copyFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');
const esbuild = require('esbuild');

const root = join(__dirname, '..');
const source = join(root, 'libs/gateway/dashboard/web');
const out = join(root, 'dist/dashboard');

const options = {
  entryPoints: { app: join(source, 'main.tsx') },
  outdir: out,
  bundle: true,
  format: 'esm',
  target: 'es2020',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
  plugins: [{ name: 'html', setup: (build) => build.onEnd(() => copyFileSync(join(source, 'index.html'), join(out, 'index.html'))) }],
};

async function main() {
  mkdirSync(out, { recursive: true });
  if (process.argv.includes('--watch')) {
    const context = await esbuild.context(options);
    await context.watch();
    console.log(`dashboard: watching ${source}, writing ${out}`);
    return;
  }
  await esbuild.build(options);
  console.log(`dashboard: built into ${out}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
