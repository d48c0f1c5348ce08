import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort } from './ports';
import { ROOT } from './system-env';

/** The users deploy/redis/redis-server.sh creates: one per service, and one for operators' tools. */
export const REDIS_SERVICES = ['gateway', 'users', 'catalog', 'cart', 'orders', 'payments', 'notifications', 'operator'] as const;

/** PEM files a test made: a CA, Redis's certificate (for 127.0.0.1 and localhost) and a client's. */
export interface TestCertificates {
  dir: string;
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  ca: string;
  clientCert: string;
  clientKey: string;
}

/** A CA and two certificates it signs, made by the deployment's own deploy/redis/make-certs.sh. */
export function makeCertificates(): TestCertificates {
  if (spawnSync('openssl', ['version']).error) throw new Error('This test makes its own certificates and needs openssl on the PATH (Debian: apt-get install -y openssl).');
  const dir = mkdtempSync(join(tmpdir(), 'cleave-tls-'));
  execFileSync('sh', [join(ROOT, 'deploy/redis/make-certs.sh'), dir, '127.0.0.1', 'localhost'], { stdio: 'pipe' });
  const file = (name: string) => join(dir, name);
  return {
    dir,
    caFile: file('ca.crt'),
    serverCertFile: file('redis.crt'),
    serverKeyFile: file('redis.key'),
    clientCertFile: file('client.crt'),
    clientKeyFile: file('client.key'),
    ca: readFileSync(file('ca.crt'), 'utf8'),
    clientCert: readFileSync(file('client.crt'), 'utf8'),
    clientKey: readFileSync(file('client.key'), 'utf8'),
  };
}

/** Redis as the deployment runs it (deploy/redis/redis-server.sh): an ACL user per service, TLS only. */
export interface SecureRedis {
  port: number;
  /** `rediss://127.0.0.1:<port>` */
  url: string;
  prefix: string;
  passwords: Record<(typeof REDIS_SERVICES)[number], string>;
  /** The optional `admin` user's: CLIENT LIST, ACL SETUSER and the like. */
  adminPassword: string;
  certificates: TestCertificates;
  /** A TLS connection as `user` (or anonymous), trusting the test's CA. */
  connect(user?: string, password?: string): Redis;
  stop(): Promise<void>;
}

const started = new Set<ChildProcess>();
process.once('exit', () => started.forEach((child) => child.kill('SIGKILL')));

export async function startSecureRedis(prefix: string): Promise<SecureRedis> {
  if (spawnSync('redis-server', ['--version']).error) throw new Error('This test starts its own Redis and needs redis-server on the PATH (Debian: apt-get install -y redis-server).');
  const certificates = makeCertificates();
  // A free port may be taken by another test before Redis binds it: a few tries, each on another.
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(prefix, certificates, await freePort());
    } catch (error) {
      if (attempt >= 3) {
        rmSync(certificates.dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
}

async function launch(prefix: string, certificates: TestCertificates, port: number): Promise<SecureRedis> {
  const passwords = Object.fromEntries(REDIS_SERVICES.map((s) => [s, randomBytes(18).toString('base64url')])) as SecureRedis['passwords'];
  const adminPassword = randomBytes(18).toString('base64url');
  const env: Record<string, string> = {
    REDIS_PASSWORD_ADMIN: adminPassword,
    PATH: process.env.PATH ?? '',
    CLEAVE_REDIS_PREFIX: prefix,
    REDIS_PORT: String(port),
    REDIS_TLS_CERT_FILE: certificates.serverCertFile,
    REDIS_TLS_KEY_FILE: certificates.serverKeyFile,
    REDIS_TLS_CA_FILE: certificates.caFile,
    REDIS_ACL_FILE: join(certificates.dir, 'users.acl'),
    ...Object.fromEntries(REDIS_SERVICES.map((s) => [`REDIS_PASSWORD_${s.toUpperCase()}`, passwords[s]])),
  };
  const output: string[] = [];
  const child = spawn('sh', [join(ROOT, 'deploy/redis/redis-server.sh'), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', certificates.dir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => (started.delete(child), resolve())));

  const connect = (user?: string, password?: string) =>
    new Redis({
      host: '127.0.0.1',
      port,
      ...(user ? { username: user, password } : {}),
      tls: { ca: certificates.ca },
      lazyConnect: true,
      // INFO is not every user's to send (anonymous may only PING).
      enableReadyCheck: false,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
    });

  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = connect();
    probe.on('error', () => undefined);
    const pong = await probe.connect().then(() => probe.ping(), () => undefined).catch(() => undefined);
    probe.disconnect();
    if (pong === 'PONG') break;
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`deploy/redis/redis-server.sh did not answer a TLS PING on ${port}:\n${output.join('')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    port,
    url: `rediss://127.0.0.1:${port}`,
    prefix,
    passwords,
    adminPassword,
    certificates,
    connect,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      rmSync(certificates.dir, { recursive: true, force: true });
    },
  };
}
