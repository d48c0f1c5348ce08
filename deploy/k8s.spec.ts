import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

/**
 * No cluster runs where the tests run, so the Kubernetes manifests are checked by parsing
 * them: a Deployment per process of the split topology, each module on its own database,
 * probes on the health endpoints, nothing else but Redis and PostgreSQL.
 */
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Manifest {
  kind: string;
  metadata: { name: string };
  spec?: {
    replicas?: number;
    template?: {
      spec: {
        containers: { command?: string[]; env?: EnvVar[]; envFrom?: { configMapRef?: { name: string } }[]; readinessProbe?: { httpGet?: { path: string } }; livenessProbe?: { httpGet?: { path: string } } }[];
        volumes?: { configMap?: { name: string } }[];
      };
    };
  };
}

const root = join(__dirname, '..');
const kustomization = parse(readFileSync(join(root, 'deploy/kustomization.yaml'), 'utf8')) as {
  resources: string[];
  configMapGenerator: { name: string; files?: string[]; literals?: string[] }[];
};
const manifests = kustomization.resources.flatMap((file) => parseAllDocuments(readFileSync(join(root, 'deploy', file), 'utf8')).map((d) => d.toJS() as Manifest));
const topology = JSON.parse(readFileSync(join(root, 'config/topology/split.json'), 'utf8')) as {
  processes: Record<string, { gateway?: boolean; modules?: string[] }>;
};

describe('Kubernetes manifests (deploy/kustomization.yaml)', () => {
  const deployments = new Map(manifests.filter((m) => m.kind === 'Deployment').map((m) => [m.metadata.name, m]));

  it.each(Object.entries(topology.processes))('runs the %s process of the split topology', (name, spec) => {
    const container = deployments.get(name)?.spec?.template?.spec.containers[0];
    expect(container).toBeDefined();
    expect(container!.command).toEqual(['node', `dist/apps/${name}/src/main.js`]);
    expect(existsSync(join(root, `apps/${name}/src/main.ts`))).toBe(true);
    expect(container!.envFrom).toEqual([{ configMapRef: { name: 'cleave' } }]);
    const env = new Map((container!.env ?? []).map((e) => [e.name, e]));
    expect(env.get('CLEAVE_PROCESS')?.value).toBe(name);
    for (const module of spec.modules ?? []) {
      const key = `DATABASE_URL_${module.toUpperCase()}`;
      expect(env.get(key)?.valueFrom?.secretKeyRef).toEqual({ name: 'cleave-secrets', key });
    }
    if (spec.gateway) expect(env.get('JWT_SECRET')?.valueFrom?.secretKeyRef?.key).toBe('JWT_SECRET');
    expect(container!.livenessProbe?.httpGet?.path).toBe('/health/live');
    expect(container!.readinessProbe?.httpGet?.path).toBe(spec.gateway ? '/health/live' : '/health/ready');
  });

  it('runs nothing the topology does not know, besides Redis and PostgreSQL', () => {
    expect([...deployments.keys()].filter((name) => !(name in topology.processes))).toEqual([]);
    expect(manifests.filter((m) => m.kind === 'StatefulSet').map((m) => m.metadata.name).sort()).toEqual(['postgres', 'redis']);
  });

  it('creates every module database from the same script as docker-compose', () => {
    const init = kustomization.configMapGenerator.find((g) => g.name === 'postgres-init');
    expect(init?.files).toEqual(['postgres/init-databases.sql']);
    const postgres = manifests.find((m) => m.kind === 'StatefulSet' && m.metadata.name === 'postgres');
    expect(postgres?.spec?.template?.spec.volumes?.map((v) => v.configMap?.name)).toContain('postgres-init');
    const cleave = kustomization.configMapGenerator.find((g) => g.name === 'cleave');
    expect(cleave?.literals).toEqual(expect.arrayContaining(['CLEAVE_TOPOLOGY=split', 'REDIS_URL=redis://redis:6379', 'NODE_ENV=production']));
  });
});
