#!/usr/bin/env node
/**
 * `npm run migrate [-- <module>...]`: every module's migrations alone (apps/migrate), run from
 * the build in dist/ like every process; it builds first when there is no build yet. In the
 * image: `node dist/apps/migrate/src/main.js`.
 */
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const entry = join(root, 'dist/apps/migrate/src/main.js');
if (!existsSync(entry)) {
  process.stderr.write('migrate: no build in dist/ yet, running `nest build` first\n');
  execFileSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build'], { cwd: root, stdio: ['ignore', 2, 2] });
}
require(entry);
