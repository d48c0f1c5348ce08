import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineSettings, setting } from '@cleave/platform/config';

/** What an instance tells the registry about itself, and how often. */
export class HealthSettings extends defineSettings('health', 'Registry and health', {
  heartbeatMs: setting.int('CLEAVE_HEARTBEAT_MS', {
    default: 2000,
    min: 50,
    doc: 'how often an instance renews its registry entry; it disappears after three missed beats',
  }),
  version: setting.string('CLEAVE_VERSION', {
    default: () => packageVersion(),
    defaultDoc: "package.json's version",
    doc: 'version each instance reports to the registry (`GET /services`)',
  }),
  advertisedHost: setting.optional('CLEAVE_ADVERTISED_HOST', {
    defaultDoc: '`HOST`, or the machine\'s host name when `HOST` is `0.0.0.0` or `::`',
    doc: 'host name or address at which the other instances reach this one\'s HTTP endpoints (its registry URL, where the dashboard reads its metrics); in Kubernetes, the pod IP',
  }),
}) {}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
