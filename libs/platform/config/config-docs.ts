import { ConfigSchema, keyOf } from './config-schema';
import { Setting } from './setting';

/**
 * The configuration reference, written from the schema: `.env.example` and the README's
 * tables. A test checks both against it, so a setting cannot be added without its docs.
 */
export function renderEnvExample(schema: ConfigSchema): string {
  const lines = [
    '# Every Cleave setting, with its default and meaning. Generated from the settings classes',
    '# (npm run config:docs); copy what you change to .env or config/<NODE_ENV>.env.',
    '# Sources, lowest first: these defaults, config/<NODE_ENV>.env, .env, the environment.',
    '# "live": a reload applies it without a restart (see the README, "Configure it").',
  ];
  for (const group of schema.groups) {
    const settings = Object.values(group.spec.shape).filter((s) => s.kind !== 'file');
    if (!settings.length) continue;
    lines.push('', `# --- ${group.spec.title} ---`);
    for (const setting of settings) {
      lines.push('', `# ${setting.doc}${setting.live ? ' (live)' : ''}${setting.secret ? ' (secret: masked in /config and logs)' : ''}`);
      if (setting.kind === 'env' && (setting.defaultDoc || typeof setting.default !== 'string')) lines.push(`# default: ${plainText(setting.defaultDoc ?? 'unset')}`);
      const example = setting.kind === 'family' ? `${setting.prefix}ORDERS` : setting.name;
      lines.push(`# ${example}=${setting.kind === 'env' && typeof setting.default === 'string' ? setting.default : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Markdown: a table per lib, variable, default, live, meaning. */
export function renderReference(schema: ConfigSchema): string {
  const out: string[] = [];
  for (const group of schema.groups) {
    out.push(`**${group.spec.title}**`, '', '| setting | default | live | meaning |', '| --- | --- | --- | --- |');
    for (const setting of Object.values(group.spec.shape)) {
      out.push(`| ${name(setting)} | ${defaultText(setting)} | ${setting.live ? 'yes' : ''} | ${setting.doc}${setting.secret ? ' (masked)' : ''} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

function name(setting: Setting): string {
  return `\`${setting.kind === 'file' ? setting.fileDoc : keyOf(setting)}\``;
}

function defaultText(setting: Setting): string {
  if (setting.defaultDoc) return setting.defaultDoc;
  if (setting.kind === 'env' && typeof setting.default === 'string') return `\`${setting.default}\``;
  return 'unset';
}

function plainText(markdown: string): string {
  return markdown.replace(/`/g, '');
}

/** The text between `<!-- begin -->` and `<!-- end -->` markers replaced. */
export function replaceBetween(text: string, begin: string, end: string, content: string): string {
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`markers ${begin} ... ${end} not found`);
  return `${text.slice(0, from + begin.length)}\n${content}${text.slice(to)}`;
}
