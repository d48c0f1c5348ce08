import { FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import { Logger } from '@nestjs/common';
import { LiveConfig } from './live-config';

/** Several events for one save (truncate, write, rename) make one reload. */
const SETTLE_MS = 150;

/**
 * Reloads the configuration when one of its files changes: `.env`, `config/<NODE_ENV>.env`
 * and the JSON files settings are read from. It watches their directories, since editors
 * often save by writing a new file and renaming it over the old one.
 */
export class ConfigWatcher {
  private readonly logger = new Logger('Config');
  private watchers: FSWatcher[] = [];
  private timer?: NodeJS.Timeout;
  private changed = new Set<string>();

  constructor(private readonly config: LiveConfig) {}

  start(): void {
    const files = new Set(this.config.files());
    const dirs = new Set([...files].map((f) => dirname(f)));
    for (const dir of dirs) {
      try {
        const watcher = watch(dir, { persistent: false }, (_event, name) => {
          const file = name ? `${dir}/${name}` : undefined;
          if (file && files.has(file)) this.touched(file);
        });
        watcher.on('error', (error) => this.logger.warn(`Not watching ${dir} any more: ${error.message}`));
        this.watchers.push(watcher);
      } catch (error) {
        this.logger.warn(`Cannot watch ${dir} for configuration changes: ${(error as Error).message}`);
      }
    }
  }

  stop(): void {
    clearTimeout(this.timer);
    for (const watcher of this.watchers) watcher.close();
    this.watchers = [];
  }

  private touched(file: string): void {
    this.changed.add(file);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const files = [...this.changed].map((f) => this.config.sources.display(f) || basename(f));
      this.changed.clear();
      void this.config.reload({ trigger: `file ${files.join(', ')}` });
    }, SETTLE_MS);
    this.timer.unref();
  }
}
