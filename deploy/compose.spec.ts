import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * No Docker engine runs where the tests run, so the compose file is checked by parsing it:
 * it must deploy exactly the split topology, each module on its own database.
 */
const root = join(__dirname, '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { command?: string[]; environment?: Record<string, string> }>;
};
const topology = JSON.parse(readFileSync(join(root, 'config/topology/split.json'), 'utf8')) as {
  processes: Record<string, { gateway?: boolean; modules?: string[] }>;
};
const initSql = readFileSync(join(root, 'deploy/postgres/init-databases.sql'), 'utf8');

describe('docker-compose.yml', () => {
  it.each(Object.entries(topology.processes))('runs the %s process of the split topology', (name, spec) => {
    const service = compose.services[name];
    expect(service).toBeDefined();
    expect(service.environment).toMatchObject({ CLEAVE_TOPOLOGY: 'split', CLEAVE_PROCESS: name, REDIS_URL: 'redis://redis:6379' });
    const entry = service.command?.find((part) => part.endsWith('main.js'));
    expect(entry).toBe(`dist/apps/${name}/src/main.js`);
    expect(existsSync(join(root, `apps/${name}/src/main.ts`))).toBe(true);
    for (const module of spec.modules ?? []) {
      expect(service.environment?.[`DATABASE_URL_${module.toUpperCase()}`]).toContain(`/cleave_${module}`);
      expect(initSql).toContain(`CREATE DATABASE cleave_${module};`);
    }
  });

  it('runs nothing the topology does not know, besides Redis and PostgreSQL', () => {
    const extra = Object.keys(compose.services).filter((s) => !(s in topology.processes));
    expect(extra.sort()).toEqual(['postgres', 'redis']);
  });
});
