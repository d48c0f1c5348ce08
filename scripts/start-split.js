#!/usr/bin/env node
/**
 * Starts every process of a split topology locally from the build in dist/, each with its
 * log lines prefixed by its name; Ctrl-C stops them all.
 *
 *   npm run start:split                                   # config/topology/split.json, one instance each
 *   npm run start:split -- --instances catalog=2,orders=3 # several instances behind one name
 *   npm run start:split -- --topology pairs               # another topology file
 *
 * REDIS_URL (default redis://127.0.0.1:6379), or REDIS_CLUSTER_NODES / REDIS_SENTINELS, and every
 * other variable (REDIS_USERNAME, REDIS_PASSWORD, REDIS_TLS...) pass through.
 * The gateway listens on PORT (default 3000); other processes on free ports they log.
 */
const { spawn } = require('node:child_process');
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const Redis = require('ioredis');

const root = join(__dirname, '..');
const args = parseArgs(process.argv.slice(2));
const topologyName = args.topology ?? process.env.CLEAVE_TOPOLOGY ?? 'split';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** A cluster or Sentinel: the processes find it themselves, and say why when they cannot. */
const beyondOneServer = Boolean(process.env.REDIS_CLUSTER_NODES || process.env.REDIS_SENTINELS);
const colors = [36, 33, 35, 32, 34, 91, 96, 93];

async function main() {
  const file = join(root, 'config/topology', `${topologyName}.json`);
  if (!existsSync(file)) fail(`No topology file ${file}`);
  const { processes } = JSON.parse(readFileSync(file, 'utf8'));
  if (!existsSync(join(root, 'dist/apps/monolith/src/main.js'))) fail('No build in dist/: run `npm run build` first');
  await checkRedis();

  const counts = parseInstances(args.instances ?? process.env.CLEAVE_INSTANCES ?? '', Object.keys(processes));
  const basePort = Number(process.env.PORT ?? 3000);
  const children = [];
  let gatewayIndex = 0;
  let colorIndex = 0;
  for (const [name, spec] of Object.entries(processes)) {
    const color = colors[colorIndex++ % colors.length];
    for (let i = 1; i <= (counts[name] ?? 1); i++) {
      const label = counts[name] > 1 ? `${name}#${i}` : name;
      const entry = existsSync(join(root, `dist/apps/${name}/src/main.js`)) ? `dist/apps/${name}/src/main.js` : 'dist/apps/monolith/src/main.js';
      const port = spec.gateway ? basePort + gatewayIndex++ : 0;
      const child = spawn(process.execPath, [entry], {
        cwd: root,
        env: { ...process.env, CLEAVE_TOPOLOGY: topologyName, CLEAVE_PROCESS: name, REDIS_URL: redisUrl, PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const prefix = `\x1b[${color}m${label.padEnd(16)}|\x1b[0m `;
      for (const stream of [child.stdout, child.stderr]) pipeLines(stream, prefix);
      child.on('exit', (code, signal) => {
        children.splice(children.indexOf(child), 1);
        if (!stopping) console.log(`${prefix}exited (${signal ?? `code ${code}`})`);
        if (children.length === 0) process.exit(stopping ? 0 : 1);
      });
      children.push(child);
    }
  }

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping every process...');
    for (const child of children) child.kill('SIGTERM');
    setTimeout(() => children.forEach((c) => c.kill('SIGKILL')), 10_000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function pipeLines(stream, prefix) {
  let buffered = '';
  stream.on('data', (chunk) => {
    const lines = (buffered + chunk.toString()).split('\n');
    buffered = lines.pop();
    for (const line of lines) process.stdout.write(prefix + line + '\n');
  });
  // A crash message often has no trailing newline: print what is left when the stream ends.
  stream.on('end', () => buffered && process.stdout.write(prefix + buffered + '\n'));
}

async function checkRedis() {
  if (beyondOneServer) return;
  // As the processes do: what the URL names comes first, REDIS_USERNAME/REDIS_PASSWORD fill the rest.
  const url = new URL(redisUrl);
  const credentials = {
    ...(!url.username && process.env.REDIS_USERNAME ? { username: process.env.REDIS_USERNAME } : {}),
    ...(!url.password && process.env.REDIS_PASSWORD ? { password: process.env.REDIS_PASSWORD } : {}),
  };
  const client = new Redis(redisUrl, { ...credentials, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    fail(`The split topology needs Redis and nothing answers at ${redisUrl} (${error.message}).\nStart one (redis-server) or set REDIS_URL.`);
  } finally {
    client.disconnect();
  }
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const match = /^--(topology|instances)(?:=(.*))?$/.exec(argv[i]);
    if (!match) fail(`Unknown argument "${argv[i]}" (expected --topology NAME, --instances process=N,...)`);
    out[match[1]] = match[2] ?? argv[++i];
  }
  return out;
}

function parseInstances(spec, names) {
  const counts = {};
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, n] = part.split('=');
    if (!names.includes(name)) fail(`--instances: no process "${name}" in topology ${topologyName} (it has ${names.join(', ')})`);
    if (!/^[1-9]\d*$/.test(n ?? '')) fail(`--instances: "${part}" should be process=N with N >= 1`);
    counts[name] = Number(n);
  }
  return counts;
}

function fail(message) {
  console.error(message);
  process.exit(1);
}

void main();
