import { maskUrlPassword, Setting } from './setting';

export const MASK = '****';

/** A value as /config and the logs show it: secrets hidden, Maps as objects, JSON-safe. */
export function shown(setting: Setting, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (setting.secret === 'value') return MASK;
  if (setting.secret === 'url') {
    if (typeof value === 'string') return maskUrlPassword(value);
    if (typeof value === 'object') return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, typeof v === 'string' ? maskUrlPassword(v) : v]));
  }
  return plain(value);
}

/** JSON-safe copy: Maps become objects, class instances their fields. */
export function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (v instanceof Map ? Object.fromEntries(v) : v)) ?? 'null');
}

/** A stable text of a value, to tell whether it changed. */
export function fingerprint(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Map) return Object.fromEntries([...v].sort());
    if (v && typeof v === 'object' && !Array.isArray(v)) return Object.fromEntries(Object.entries(v as object).sort(([a], [b]) => a.localeCompare(b)));
    return v;
  }) ?? 'undefined';
}

/**
 * What changed between two values, as lines: the value itself for a plain setting, each
 * changed leaf for an object (`targets.catalog.patterns.getProduct.timeoutMs: 300 → 2000`).
 */
export function describeChange(key: string, before: unknown, after: unknown): string[] {
  const from = flatten(before);
  const to = flatten(after);
  if (from === undefined || to === undefined) return [`${key}: ${text(before)} → ${text(after)}`];
  const lines: string[] = [];
  for (const path of new Set([...Object.keys(from), ...Object.keys(to)])) {
    if (fingerprint(from[path]) !== fingerprint(to[path])) lines.push(`${key}${path}: ${text(from[path])} → ${text(to[path])}`);
  }
  return lines;
}

function flatten(value: unknown): Record<string, unknown> | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const out: Record<string, unknown> = {};
  const walk = (v: unknown, path: string) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length) {
      for (const [k, child] of Object.entries(v)) walk(child, `${path}.${k}`);
    } else out[path] = v;
  };
  walk(value, '');
  return out;
}

function text(value: unknown): string {
  return value === undefined || value === null ? '(unset)' : JSON.stringify(value);
}
