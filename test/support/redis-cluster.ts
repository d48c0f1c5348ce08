import { ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports';

const run = promisify(execFile);

/** One redis-server (or sentinel) a test started, on its own port and temp dir. */
export interface RedisNode {
  port: number;
  /** `127.0.0.1:<port>` */
  address: string;
  child: ChildProcess;
  /** kill -9: a crash, no goodbye to its peers. */
  crash(): Promise<void>;
  /** Starts it again on the same port and dir, with no data (a replacement server). */
  restart(): Promise<void>;
  alive(): boolean;
}

/** A Redis Cluster the test started: masters with a replica each, all on free ports. */
export interface RedisClusterUnderTest {
  nodes: RedisNode[];
  /** REDIS_CLUSTER_NODES: every node, `host:port,host:port,...`. */
  seeds: string;
  /** The node currently master of the slot `key` hashes to. */
  masterOf(key: string): Promise<RedisNode>;
  /** Resolves once every slot is served again by a live master (after a crash, its replica promoted). */
  settled(timeoutMs?: number): Promise<void>;
  /** Resolves once a restarted node is a replica in sync (of whoever took over from it). */
  replicaBack(node: RedisNode, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** A master, a replica and three sentinels watching them under `name`. */
export interface RedisSentinelUnderTest {
  name: string;
  master: RedisNode;
  replica: RedisNode;
  sentinels: RedisNode[];
  /** REDIS_SENTINELS: `host:port,host:port,host:port`. */
  seeds: string;
  /** The address the sentinels now give for the master. */
  currentMaster(): Promise<string>;
  /** Resolves once the sentinels name another master than `previous`, and it acts as one. */
  promoted(previous: string, timeoutMs?: number): Promise<void>;
  /** Resolves once a restarted server is a replica in sync (the sentinels reconfigure it). */
  replicaBack(node: RedisNode, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Fails with what is missing, rather than a spawn error deep in a test. */
export function requireRedisTools(): void {
  const missing = ['redis-server', 'redis-cli'].filter((tool) => spawnSync(tool, ['--version']).error);
  if (missing.length) {
    throw new Error(`These tests start their own Redis Cluster and Sentinel and need ${missing.join(' and ')} on the PATH (Debian: apt-get install -y redis-server redis-tools).`);
  }
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 30_000 });
  return stdout;
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`Redis under test: ${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const started = new Set<ChildProcess>();
process.once('exit', () => started.forEach((child) => child.kill('SIGKILL')));

async function launch(dir: string, args: string[], sentinel = false): Promise<RedisNode> {
  const port = await freePort();
  const persistence = sentinel ? [] : ['--save', '', '--appendonly', 'no'];
  const argv = [...(sentinel ? [join(dir, 'sentinel.conf'), '--sentinel'] : []), '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...persistence, ...args];
  let exited!: Promise<void>;
  const spawnServer = async () => {
    const child = spawn('redis-server', argv, { stdio: 'ignore' });
    started.add(child);
    exited = new Promise<void>((resolve) => child.once('exit', () => (started.delete(child), resolve())));
    node.child = child;
    await until(`redis-server on ${port} answers PING`, 10_000, async () => (await cli(port, 'PING')).trim() === 'PONG');
  };
  const node: RedisNode = {
    port,
    address: `127.0.0.1:${port}`,
    child: undefined as unknown as ChildProcess,
    alive: () => node.child.exitCode === null && node.child.signalCode === null,
    async crash() {
      if (node.alive()) node.child.kill('SIGKILL');
      await exited;
    },
    async restart() {
      await node.crash();
      await spawnServer();
    },
  };
  await spawnServer();
  return node;
}

async function replicaInSync(node: RedisNode, timeoutMs: number): Promise<void> {
  await until(`${node.port} a replica in sync again`, timeoutMs, async () => {
    const info = await cli(node.port, 'INFO', 'replication');
    return info.includes('role:slave') && info.includes('master_link_status:up');
  });
}

/** Kills every node and removes its files, whatever state the test left them in. */
async function stopAll(nodes: RedisNode[], dirs: string[]): Promise<void> {
  await Promise.all(nodes.map((n) => n.crash()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}

/**
 * `redis-server --cluster-enabled yes` on free ports (the cluster bus on another free port,
 * `--cluster-port`, since port + 10000 may not exist), joined by `redis-cli --cluster create`
 * with a replica per master; resolves at cluster_state:ok on every node.
 */
export async function startRedisCluster(options: { masters?: number } = {}): Promise<RedisClusterUnderTest> {
  requireRedisTools();
  const masters = options.masters ?? 3;
  const nodes: RedisNode[] = [];
  const dirs: string[] = [];
  try {
    for (let i = 0; i < masters * 2; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'cleave-cluster-'));
      dirs.push(dir);
      const busPort = await freePort();
      nodes.push(
        await launch(dir, [
          '--cluster-enabled', 'yes',
          '--cluster-port', String(busPort),
          '--cluster-config-file', join(dir, 'nodes.conf'),
          // Quick to declare a master dead, so a failover takes a few seconds, not fifteen.
          '--cluster-node-timeout', '2000',
        ]),
      );
    }
    await cli(nodes[0].port, '--cluster', 'create', ...nodes.map((n) => n.address), '--cluster-replicas', '1', '--cluster-yes');
    for (const node of nodes) await until(`cluster_state:ok on ${node.port}`, 30_000, async () => (await cli(node.port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'));
    // Every replica attached and synced, so a crash of its master can be covered.
    await until('every replica in sync', 30_000, async () => {
      const roles = await Promise.all(nodes.map((n) => cli(n.port, 'INFO', 'replication')));
      return roles.filter((r) => r.includes('role:slave') && r.includes('master_link_status:up')).length === masters;
    });
  } catch (error) {
    await stopAll(nodes, dirs);
    throw error;
  }

  const live = () => nodes.filter((n) => n.alive());
  const cluster: RedisClusterUnderTest = {
    nodes,
    seeds: nodes.map((n) => n.address).join(','),
    async masterOf(key) {
      const slot = Number((await cli(live()[0].port, 'CLUSTER', 'KEYSLOT', key)).trim());
      const shards = await cli(live()[0].port, 'CLUSTER', 'SLOTS');
      return ownerOf(slot, shards, nodes);
    },
    async settled(timeoutMs = 30_000) {
      await until('every slot served by a live master', timeoutMs, async () => {
        for (const node of live()) {
          if (!(await cli(node.port, 'CLUSTER', 'INFO')).includes('cluster_state:ok')) return false;
          const owners = masterPorts(await cli(node.port, 'CLUSTER', 'SLOTS'));
          if (!owners.length || owners.some((port) => !live().some((n) => n.port === port))) return false;
        }
        return true;
      });
    },
    replicaBack: (node, timeoutMs = 30_000) => replicaInSync(node, timeoutMs),
    stop: () => stopAll(nodes, dirs),
  };
  return cluster;
}

/** The master port of every slot range in `CLUSTER SLOTS` as redis-cli prints it. */
function masterPorts(printed: string): number[] {
  const lines = printed.split('\n').map((l) => l.trim());
  const ports: number[] = [];
  for (let i = 0; i + 3 < lines.length; i++) {
    if (/^\d+$/.test(lines[i]) && /^\d+$/.test(lines[i + 1]) && lines[i + 2] === '127.0.0.1' && Number(lines[i + 1]) >= Number(lines[i]) && Number(lines[i + 1]) <= 16383 && Number(lines[i]) <= 16383) {
      ports.push(Number(lines[i + 3]));
      i += 3;
    }
  }
  return ports;
}

/** `CLUSTER SLOTS` as redis-cli prints it: start, end, then host and port and id of each node. */
function ownerOf(slot: number, printed: string, nodes: RedisNode[]): RedisNode {
  const lines = printed.split('\n').map((l) => l.trim());
  for (let i = 0; i + 3 < lines.length; i++) {
    const start = Number(lines[i]);
    const end = Number(lines[i + 1]);
    if (!/^\d+$/.test(lines[i]) || !/^\d+$/.test(lines[i + 1]) || lines[i + 2] !== '127.0.0.1') continue;
    if (slot >= start && slot <= end) {
      const port = Number(lines[i + 3]);
      const node = nodes.find((n) => n.port === port);
      if (node) return node;
    }
  }
  throw new Error(`no master serves slot ${slot}:\n${printed}`);
}

/**
 * A master, its replica and three sentinels (quorum 2) on free ports, each in a temp dir
 * (a sentinel rewrites its config file). Resolves once every sentinel knows the replica and
 * the other sentinels, so a failover can be agreed on.
 */
export async function startRedisSentinel(name = 'cleave'): Promise<RedisSentinelUnderTest> {
  requireRedisTools();
  const nodes: RedisNode[] = [];
  const dirs: string[] = [];
  const dir = () => {
    const made = mkdtempSync(join(tmpdir(), 'cleave-sentinel-'));
    dirs.push(made);
    return made;
  };
  try {
    const master = await launch(dir(), []);
    nodes.push(master);
    const replica = await launch(dir(), ['--replicaof', '127.0.0.1', String(master.port)]);
    nodes.push(replica);
    await until('the replica in sync', 15_000, async () => (await cli(replica.port, 'INFO', 'replication')).includes('master_link_status:up'));
    const sentinels: RedisNode[] = [];
    for (let i = 0; i < 3; i++) {
      const home = dir();
      writeFileSync(
        join(home, 'sentinel.conf'),
        [
          `sentinel monitor ${name} 127.0.0.1 ${master.port} 2`,
          `sentinel down-after-milliseconds ${name} 1000`,
          `sentinel failover-timeout ${name} 5000`,
          `sentinel parallel-syncs ${name} 1`,
          '',
        ].join('\n'),
      );
      const sentinel = await launch(home, [], true);
      sentinels.push(sentinel);
      nodes.push(sentinel);
    }
    for (const sentinel of sentinels) {
      await until(`sentinel ${sentinel.port} sees the replica and its peers`, 30_000, async () => {
        const info = await cli(sentinel.port, 'SENTINEL', 'MASTER', name);
        const field = (key: string) => {
          const lines = info.split('\n').map((l) => l.trim());
          return Number(lines[lines.indexOf(key) + 1]);
        };
        return field('num-slaves') >= 1 && field('num-other-sentinels') >= 2;
      });
    }
    const underTest: RedisSentinelUnderTest = {
      name,
      master,
      replica,
      sentinels,
      seeds: sentinels.map((s) => s.address).join(','),
      async currentMaster() {
        for (const sentinel of sentinels) {
          if (!sentinel.alive()) continue;
          const [host, port] = (await cli(sentinel.port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name)).trim().split('\n');
          return `${host}:${port}`;
        }
        throw new Error('no sentinel is running');
      },
      async promoted(previous, timeoutMs = 30_000) {
        await until(`the sentinels promote a replica in place of ${previous}`, timeoutMs, async () => {
          const now = await underTest.currentMaster();
          if (now === previous) return false;
          return (await cli(Number(now.split(':')[1]), 'INFO', 'replication')).includes('role:master');
        });
      },
      replicaBack: (node, timeoutMs = 30_000) => replicaInSync(node, timeoutMs),
      stop: () => stopAll(nodes, dirs),
    };
    return underTest;
  } catch (error) {
    await stopAll(nodes, dirs);
    throw error;
  }
}
