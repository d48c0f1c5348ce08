/**
 * Module boundaries as a build failure (`npm run lint:deps`, part of `npm test`).
 * The rules of shared/DESIGN.md: a domain reaches another only through its contract; the
 * gateway and the platform know no domain; contracts import nothing but contracts; no cycles.
 */
module.exports = {
  forbidden: [
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
