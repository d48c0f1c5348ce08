import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { IContainer, IPodSpec } from 'kubernetes-models/v1';

/**
 * No cluster runs where the tests run: the kustomization is rendered exactly as
 * `kubectl apply -k deploy/` would render it, and every object is validated against the
 * Kubernetes schemas (kubernetes-models); then what the schemas cannot know is checked: the
 * split topology is deployed, each process scales, keeps a disruption budget when it runs
 * several replicas, has resources, runs unprivileged on a read-only root filesystem.
 */
const root = join(__dirname, '..');

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

/** `kubectl kustomize` (KUBECTL to override), else a standalone `kustomize build`. */
function render(): string {
  const kubectl = process.env.KUBECTL ?? 'kubectl';
  const tools: [string, string[]][] = [
    [kubectl, ['kustomize', 'deploy']],
    ['kustomize', ['build', 'deploy']],
  ];
  for (const [tool, args] of tools) {
    if (spawnSync(tool, ['version'], { stdio: 'ignore' }).error) continue;
    return execFileSync(tool, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }
  throw new Error(
    'Rendering deploy/kustomization.yaml needs kubectl (with its built-in kustomize) or kustomize on the PATH, and neither is installed: ' +
      'install kubectl (or set KUBECTL to it), or the kustomize binary.',
  );
}

/** The kubernetes-models class for an object: `apps/v1` Deployment is kubernetes-models/apps/v1's Deployment. */
function modelOf(manifest: Manifest): { new (data: unknown): { validate(): void } } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const models = require(`kubernetes-models/${manifest.apiVersion}`) as Record<string, { new (data: unknown): { validate(): void } }>;
  const Model = models[manifest.kind];
  if (!Model) throw new Error(`kubernetes-models knows no ${manifest.kind} in ${manifest.apiVersion}`);
  return Model;
}

function validate(manifest: Manifest): void {
  const Model = modelOf(manifest);
  new Model(manifest).validate();
}

const manifests = parseAllDocuments(render()).map((d) => d.toJS() as Manifest);
const topology = JSON.parse(readFileSync(join(root, 'config/topology/split.json'), 'utf8')) as {
  processes: Record<string, { gateway?: boolean; modules?: string[] }>;
};
const byKind = (kind: string) => new Map(manifests.filter((m) => m.kind === kind).map((m) => [m.metadata.name, m]));
const podSpec = (m: Manifest) => (m.spec as { template: { spec: IPodSpec } }).template.spec;

describe('Kubernetes manifests (kubectl kustomize deploy/)', () => {
  const deployments = byKind('Deployment');
  const statefulSets = byKind('StatefulSet');
  const hpas = byKind('HorizontalPodAutoscaler');
  const budgets = byKind('PodDisruptionBudget');

  it.each(manifests.map((m) => [`${m.kind} ${m.metadata.name}`, m] as const))('%s is valid against the Kubernetes schema', (_, manifest) => {
    expect(() => validate(manifest)).not.toThrow();
    if (manifest.kind !== 'Namespace') expect(manifest.metadata.namespace).toBe('cleave');
  });

  it('rejects what the schema forbids (the validation is real)', () => {
    const deployment = structuredClone(deployments.get('orders')!);
    podSpec(deployment).containers[0].securityContext!.runAsNonRoot = 'yes' as unknown as boolean;
    expect(() => validate(deployment)).toThrow(/runAsNonRoot must be boolean/);
    const hpa = structuredClone(hpas.get('orders')!);
    delete (hpa.spec as { maxReplicas?: number }).maxReplicas;
    expect(() => validate(hpa)).toThrow(/maxReplicas/);
  });

  it.each(Object.entries(topology.processes))('runs the %s process of the split topology, from the ConfigMaps and the Secret', (name, spec) => {
    const pod = podSpec(deployments.get(name)!);
    const [container] = pod.containers;
    expect(container.command).toEqual(['node', `dist/apps/${name}/src/main.js`]);
    expect(existsSync(join(root, `apps/${name}/src/main.ts`))).toBe(true);
    const env = new Map((container.env ?? []).map((e) => [e.name, e]));
    expect(env.get('CLEAVE_PROCESS')?.value).toBe(name);
    // Pod host names do not resolve: the registry carries the pod's IP.
    expect(env.get('CLEAVE_ADVERTISED_HOST')?.valueFrom).toEqual({ fieldRef: { fieldPath: 'status.podIP' } });
    for (const module of spec.modules ?? []) {
      const key = `DATABASE_URL_${module.toUpperCase()}`;
      expect(env.get(key)?.valueFrom?.secretKeyRef).toEqual({ name: 'cleave-secrets', key });
    }
    expect(env.get('CLEAVE_BUS_SEAL_KEY')?.valueFrom?.secretKeyRef).toEqual({ name: 'cleave-secrets', key: 'CLEAVE_BUS_SEAL_KEY' });
    if (spec.gateway) expect(env.get('JWT_SECRET')?.valueFrom?.secretKeyRef).toEqual({ name: 'cleave-secrets', key: 'JWT_SECRET' });
    // Secrets only through secretKeyRef: no literal value of a secret in a manifest.
    for (const variable of env.values()) if (/SECRET|PASSWORD|DATABASE_URL/.test(variable.name)) expect(variable.value).toBeUndefined();
    expect(container.livenessProbe?.httpGet?.path).toBe('/health/live');
    expect(container.readinessProbe?.httpGet?.path).toBe(spec.gateway ? '/health/live' : '/health/ready');

    const configMaps = (container.envFrom ?? []).map((e) => e.configMapRef?.name);
    expect(configMaps).toHaveLength(1);
    const settings = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === configMaps[0])!;
    expect(settings.data).toMatchObject({ CLEAVE_TOPOLOGY: 'split', REDIS_URL: 'rediss://redis:6379', NODE_ENV: 'production', CLEAVE_CONFIG_DIR: '/etc/cleave' });
    // Redis as its own user, over TLS trusting the CA of cleave-redis-tls (and nothing else of that Secret).
    expect(env.get('REDIS_USERNAME')?.value).toBe(name);
    expect(env.get('REDIS_PASSWORD')?.valueFrom?.secretKeyRef).toEqual({ name: 'cleave-secrets', key: `REDIS_PASSWORD_${name.toUpperCase()}` });
    const caFile = settings.data!.REDIS_TLS_CA_FILE;
    const caMount = container.volumeMounts?.find((m) => caFile.startsWith(`${m.mountPath}/`));
    const caVolume = pod.volumes?.find((v) => v.name === caMount?.name);
    expect(caVolume?.secret).toEqual({ secretName: 'cleave-redis-tls', items: [{ key: 'ca.crt', path: caFile.slice(caMount!.mountPath.length + 1) }] });
    const mount = container.volumeMounts?.find((m) => m.mountPath === '/etc/cleave');
    const volume = pod.volumes?.find((v) => v.name === mount?.name);
    const config = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === volume?.configMap?.name)!;
    expect(volume?.configMap?.items).toEqual(
      expect.arrayContaining([{ key: 'split.json', path: 'topology/split.json' }, { key: 'resilience.json', path: 'resilience.json' }, { key: 'production.env', path: 'production.env' }]),
    );
    // The copies under deploy/config/ are the files of config/, byte for byte.
    expect(config.data!['split.json']).toBe(readFileSync(join(root, 'config/topology/split.json'), 'utf8'));
    expect(config.data!['resilience.json']).toBe(readFileSync(join(root, 'config/resilience.json'), 'utf8'));
    expect(config.data!['production.env']).toBe(readFileSync(join(root, 'config/production.env'), 'utf8'));
  });

  it.each(Object.keys(topology.processes))('scales %s on CPU, with a disruption budget when it runs several replicas', (name) => {
    const deployment = deployments.get(name)!;
    const hpa = hpas.get(name)!.spec as { scaleTargetRef: unknown; minReplicas: number; maxReplicas: number; metrics: { resource?: { name: string; target: { type: string } } }[] };
    expect(hpa.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
    expect(hpa.maxReplicas).toBeGreaterThan(hpa.minReplicas);
    expect(hpa.metrics).toEqual([expect.objectContaining({ type: 'Resource', resource: { name: 'cpu', target: expect.objectContaining({ type: 'Utilization' }) } })]);
    // The autoscaler owns the replica count: a replicas field would be reset by every apply.
    expect(deployment.spec?.replicas).toBeUndefined();
    const budget = budgets.get(name);
    if (hpa.minReplicas > 1) {
      expect(budget?.spec).toMatchObject({ minAvailable: 1, selector: { matchLabels: (deployment.spec as { selector: { matchLabels: unknown } }).selector.matchLabels } });
    } else {
      expect(budget).toBeUndefined();
    }
  });

  it('runs Redis on TLS only with an ACL user per process, the passwords from the Secret', () => {
    const pod = podSpec(statefulSets.get('redis')!);
    const [container] = pod.containers;
    expect(container.command).toEqual(['sh', '/opt/cleave/redis-server.sh']);
    const env = new Map((container.env ?? []).map((e) => [e.name, e]));
    for (const name of Object.keys(topology.processes)) {
      expect(env.get(`REDIS_PASSWORD_${name.toUpperCase()}`)?.valueFrom?.secretKeyRef).toEqual({ name: 'cleave-secrets', key: `REDIS_PASSWORD_${name.toUpperCase()}` });
    }
    expect(env.get('REDIS_TLS_CERT_FILE')?.value).toMatch(/^\/tls\//);
    expect(pod.volumes?.find((v) => v.name === 'tls')?.secret?.secretName).toBe('cleave-redis-tls');
    // The script in the ConfigMap is deploy/redis/redis-server.sh, byte for byte.
    const script = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === pod.volumes?.find((v) => v.name === 'script')?.configMap?.name)!;
    expect(script.data!['redis-server.sh']).toBe(readFileSync(join(root, 'deploy/redis/redis-server.sh'), 'utf8'));
    expect(container.readinessProbe?.exec?.command).toEqual(expect.arrayContaining(['--tls', 'ping']));
  });

  it('runs two instances of the gateway and of catalog at least', () => {
    expect((hpas.get('gateway')!.spec as { minReplicas: number }).minReplicas).toBe(2);
    expect((hpas.get('catalog')!.spec as { minReplicas: number }).minReplicas).toBe(2);
  });

  it.each([...deployments.keys(), ...statefulSets.keys()])('%s: every container has resources, runs unprivileged on a read-only root filesystem', (name) => {
    const pod = podSpec(deployments.get(name) ?? statefulSets.get(name)!);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: expect.any(Number), seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.securityContext!.runAsUser).toBeGreaterThan(0);
    expect(pod.automountServiceAccountToken).toBe(false);
    for (const container of [...(pod.initContainers ?? []), ...pod.containers] as IContainer[]) {
      expect(container.resources?.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.resources?.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      // Where it writes: emptyDirs (or the data volume of a StatefulSet), nothing else.
      const writable = (container.volumeMounts ?? []).filter((m) => !m.readOnly).map((m) => pod.volumes?.find((v) => v.name === m.name));
      for (const volume of writable) if (volume) expect(volume.emptyDir).toBeDefined();
    }
  });

  it('runs every module\'s migrations in a Job, unprivileged, with each module\'s database from the secret', () => {
    const job = byKind('Job').get('migrate')!;
    const pod = (job.spec as { template: { spec: IPodSpec } }).template.spec;
    const [container] = pod.containers as IContainer[];
    expect(container.command).toEqual(['node', 'dist/apps/migrate/src/main.js']);
    expect(existsSync(join(root, 'apps/migrate/src/main.ts'))).toBe(true);
    expect(pod.restartPolicy).toBe('OnFailure');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(container.resources?.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    const env = new Map((container.env ?? []).map((e) => [e.name, e]));
    for (const module of Object.values(topology.processes).flatMap((p) => p.modules ?? [])) {
      expect(env.get(`DATABASE_URL_${module.toUpperCase()}`)?.valueFrom?.secretKeyRef).toEqual({ name: 'cleave-secrets', key: `DATABASE_URL_${module.toUpperCase()}` });
    }
  });

  it('gives every process a grace period longer than its drain (CLEAVE_SHUTDOWN_TIMEOUT_MS, 25 s by default)', () => {
    for (const deployment of deployments.values()) expect(podSpec(deployment).terminationGracePeriodSeconds).toBeGreaterThan(25);
  });

  it('gives every Cleave process a writable /tmp, the only place Node writes to', () => {
    for (const deployment of deployments.values()) {
      const pod = podSpec(deployment);
      const tmp = pod.containers[0].volumeMounts?.find((m) => m.mountPath === '/tmp');
      expect(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
    }
  });

  it('runs nothing the topology does not know, besides Redis and PostgreSQL', () => {
    expect([...deployments.keys()].filter((name) => !(name in topology.processes))).toEqual([]);
    expect([...statefulSets.keys()].sort()).toEqual(['postgres', 'redis']);
  });

  it('creates every module database from the same script as docker-compose, and ships the alert rules', () => {
    const init = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name.startsWith('postgres-init'))!;
    expect(init.data!['init-databases.sql']).toBe(readFileSync(join(root, 'deploy/postgres/init-databases.sql'), 'utf8'));
    const volumes = podSpec(statefulSets.get('postgres')!).volumes ?? [];
    expect(volumes.map((v) => v.configMap?.name)).toContain(init.metadata.name);
    const rules = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name.startsWith('prometheus-rules'))!;
    expect(rules.data!['alerts.yml']).toBe(readFileSync(join(root, 'deploy/prometheus/alerts.yml'), 'utf8'));
  });
});
