import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { ServiceUnavailableError } from '@cleave/contracts/kernel/errors';

/** Where `npm run build` puts the page (scripts/build-dashboard.js), from the working directory as config/ is. */
export const DASHBOARD_ASSETS_DIR = Symbol('DASHBOARD_ASSETS_DIR');
export const DEFAULT_ASSETS_DIR = resolve('dist', 'dashboard');

export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** A built file name: no directories, no dot files, a known type. */
const ASSET_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/**
 * The page's built files, read from disk per request: a few small files, and a rebuild
 * (`npm run build:dashboard -- --watch`) shows at the next reload without a restart.
 */
@Injectable()
export class DashboardAssets {
  constructor(@Inject(DASHBOARD_ASSETS_DIR) private readonly dir: string) {}

  async page(): Promise<Asset> {
    const page = await this.read('index.html');
    if (!page) throw new ServiceUnavailableError(`The dashboard page is not built (no ${join(this.dir, 'index.html')}): run \`npm run build\``);
    return page;
  }

  /** A built asset, or undefined when there is none of that name. */
  async asset(name: string): Promise<Asset | undefined> {
    if (!ASSET_NAME.test(name) || name === 'index.html' || !TYPES[extname(name)]) return undefined;
    return this.read(name);
  }

  private async read(name: string): Promise<Asset | undefined> {
    const file = join(this.dir, name);
    try {
      const [info, body] = await Promise.all([stat(file), readFile(file)]);
      return { body, type: TYPES[extname(name)], etag: `"${info.size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}"` };
    } catch {
      return undefined;
    }
  }
}
