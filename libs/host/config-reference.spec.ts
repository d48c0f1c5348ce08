import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderEnvExample, renderReference, replaceBetween } from '@cleave/platform/config';
import { ALL_SETTINGS } from './settings';

const ROOT = join(__dirname, '../..');
const BEGIN = '<!-- settings:begin -->';
const END = '<!-- settings:end -->';

/**
 * `.env.example` and the README's configuration reference are written from the settings
 * classes: this fails when they and the code disagree. `npm run config:docs` rewrites both.
 */
describe('the configuration reference', () => {
  const write = process.env.CLEAVE_WRITE_CONFIG_DOCS === '1';
  const envExample = join(ROOT, '.env.example');
  const readme = join(ROOT, 'README.md');

  it('.env.example lists every setting with its default and meaning', () => {
    const expected = renderEnvExample(ALL_SETTINGS);
    if (write) writeFileSync(envExample, expected);
    expect(readFileSync(envExample, 'utf8')).toBe(expected);
  });

  it('the README documents every setting', () => {
    const text = readFileSync(readme, 'utf8');
    const expected = replaceBetween(text, BEGIN, END, renderReference(ALL_SETTINGS));
    if (write) writeFileSync(readme, expected);
    expect(readFileSync(readme, 'utf8')).toBe(expected);
    for (const name of ALL_SETTINGS.variables()) expect(expected).toContain(`| \`${name}\` |`);
  });
});
