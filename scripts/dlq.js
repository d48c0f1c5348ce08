#!/usr/bin/env node
/**
 * `npm run dlq -- list|show|replay|drop ...`: the dead-letter tool (apps/dlq), run from the
 * build in dist/ like every process; it builds first when there is no build yet. In the image:
 * `node dist/apps/dlq/src/main.js list`.
 */
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const entry = join(root, 'dist/apps/dlq/src/main.js');
if (!existsSync(entry)) {
  process.stderr.write('dlq: no build in dist/ yet, running `nest build` first\n');
  execFileSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build'], { cwd: root, stdio: ['ignore', 2, 2] });
}
require(entry);
