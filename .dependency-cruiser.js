/**
 * Module boundaries as a build failure (`npm run lint:deps`, part of `npm test`).
 * The rules of shared/DESIGN.md: a domain reaches another only through its contract; the
 * gateway and the platform know no domain; contracts import nothing but contracts; no cycles.
 */
/**
 * The platform's libs in layers: a lib imports only libs of lower layers, never one of its own
 * layer or above, so no two libs depend on each other in either direction. Adding a lib is a
 * line here.
 */
const PLATFORM_LAYERS = [
  ['config'],
  ['context', 'process', 'metrics', 'resilience', 'redis', 'http'],
  ['logging', 'cache'],
  ['tracing'],
  ['bus', 'database'],
  ['outbox', 'health'],
  ['config-sync'],
];

const layerRules = PLATFORM_LAYERS.flatMap((libs, layer) =>
  libs.map((lib) => ({
    name: `platform-layer-${lib}`,
    severity: 'error',
    comment: `libs/platform/${lib} may use only the libs below its layer: ${PLATFORM_LAYERS.slice(0, layer).flat().join(', ') || 'none'}.`,
    from: { path: `^libs/platform/${lib}/` },
    to: { path: '^libs/platform/', pathNot: `^libs/platform/(${[lib, ...PLATFORM_LAYERS.slice(0, layer).flat()].join('|')})/` },
  })),
);

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'platform-lib-unlisted',
      severity: 'error',
      comment: 'Every lib under libs/platform has its place in PLATFORM_LAYERS.',
      from: { path: '^libs/platform/', pathNot: `^libs/platform/(${PLATFORM_LAYERS.flat().join('|')})/` },
      to: {},
    },
    {
      name: 'platform-public-entry-across-libs',
      severity: 'error',
      comment: 'A platform lib reaches another only through its public entry (libs/platform/<lib>/index.ts), never its internals.',
      from: { path: '^libs/platform/([^/]+)/' },
      to: { path: '^libs/platform/', pathNot: '^libs/platform/($1/|[^/]+/index\\.ts$)' },
    },
    {
      name: 'platform-public-entry',
      severity: 'error',
      comment: 'Apps, the host, the domains, the gateway, tests and benchmarks import a platform lib through its public entry (libs/platform/<lib>/index.ts) only.',
      from: { pathNot: '^libs/platform/' },
      to: { path: '^libs/platform/[^/]+/(?!index\\.ts$)' },
    },
    {
      name: 'own-entry-from-inside',
      severity: 'error',
      comment: 'Inside a lib, files import each other directly: importing the lib\'s own index from within is how barrels make cycles.',
      from: { path: '^libs/platform/([^/]+)/' },
      to: { path: '^libs/platform/$1/index\\.ts$' },
    },
    {
      name: 'domain-to-other-domain',
      severity: 'error',
      comment: 'A domain talks to another only through libs/contracts and its typed client, never its entities, services or repositories.',
      from: { path: '^libs/domains/([^/]+)/' },
      to: { path: '^libs/domains/', pathNot: '^libs/domains/$1/' },
    },
    {
      name: 'domain-to-edge-or-host',
      severity: 'error',
      comment: 'Domains are called; they do not reach up into the gateway or the composition root.',
      from: { path: '^libs/domains/' },
      to: { path: '^(libs/gateway|libs/host|apps)/' },
    },
    {
      name: 'gateway-to-domain',
      severity: 'error',
      comment: 'The gateway calls domains through typed clients only, so it works whichever process hosts them.',
      from: { path: '^libs/gateway/' },
      to: { path: '^(libs/domains|libs/host|apps)/' },
    },
    {
      name: 'platform-to-business',
      severity: 'error',
      comment: 'Platform code is shared infrastructure and knows no domain, no gateway, no composition root.',
      from: { path: '^libs/platform/' },
      to: { path: '^(libs/domains|libs/gateway|libs/host|apps)/' },
    },
    {
      name: 'contracts-are-self-contained',
      severity: 'error',
      comment: 'Contracts are data and types importable by every module and process: nothing but other contracts.',
      from: { path: '^libs/contracts/' },
      to: { pathNot: '^libs/contracts/' },
    },
    {
      name: 'host-only-from-apps',
      severity: 'error',
      comment: 'The composition root (libs/host) is for the thin apps/* entrypoints only.',
      from: { path: '^libs/', pathNot: '^libs/host/' },
      to: { path: '^libs/host/' },
    },
    {
      name: 'no-test-code-in-production',
      severity: 'error',
      from: { path: '^(apps|libs)/', pathNot: '\\.spec\\.ts$' },
      to: { path: '(^test/|\\.spec\\.ts$)' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles (often through barrel files) break module boundaries and load order.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
