#!/usr/bin/env node
/**
 * `npm run config:reload -- [NAME=value ...] [--reset] [--process NAME]`: runs the built
 * command (dist/apps/config-reload), building it first when there is no build yet.
 */
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const entry = join(root, 'dist/apps/config-reload/src/main.js');
if (!existsSync(entry)) {
  console.error('No build of config:reload yet: building (npm run build)...');
  execFileSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build'], { cwd: root, stdio: 'inherit' });
}
require(entry);
