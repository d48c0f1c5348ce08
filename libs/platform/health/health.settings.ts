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
}) {}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
