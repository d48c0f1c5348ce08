import { Setting } from './setting';

/**
 * Values anyone could guess or has already read: common passwords, the names of the things
 * they protect, and the defaults our own examples and compose file once suggested. Short on
 * purpose: the length and variety rules below catch the rest; this catches the long-but-famous.
 */
const WELL_KNOWN = new Set(
  [
    'password', 'password1', 'password123', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'changeme', 'change-me', 'changeit', 'secret', 'secret123',
    'admin', 'admin123', 'admin-password', 'administrator', 'root', 'toor', 'letmein', 'welcome', 'welcome1', 'qwerty', 'qwertyuiop',
    'iloveyou', 'monkey', 'dragon', 'master', 'default', 'test', 'testing', 'example', 'postgres', 'redis', 'cleave', 'cleave-admin',
    'correct horse battery staple', 'correct-horse-battery-staple', 'your-secret', 'your-secret-here', 'supersecret', 'super-secret',
    'jwt-secret', 'jwt_secret', 'mysecret', 'my-secret', 'development', 'production',
  ].map((v) => v.toLowerCase()),
);

/** The shortest secret production accepts when its setting asks for no more (bytes). */
export const DEFAULT_MIN_SECRET_BYTES = 12;
/** Fewer distinct characters than this is a pattern (`aaaa…`, `abab…`), not a secret. */
const MIN_DISTINCT = 6;

/**
 * What production refuses in a secret setting, each message naming the setting: too short,
 * a published development value, a well-known value, or too little variety. Passwords in a
 * URL (`secret: 'url'`) get the same checks when the URL carries one.
 */
export function weakSecretProblems(name: string, setting: Setting, value: unknown): string[] {
  if (!setting.secret || setting.kind === 'file') return [];
  const values = setting.kind === 'family' && value && typeof value === 'object' ? Object.entries(value as Record<string, unknown>) : [[name, value] as const];
  return values.flatMap(([key, v]) => {
    const label = setting.kind === 'family' ? `${setting.prefix}${String(key).toUpperCase()}` : name;
    if (typeof v !== 'string' || !v) return [];
    if (setting.secret === 'url') {
      const password = urlPassword(v);
      return password === undefined ? [] : check(`the password in ${label}`, password, setting);
    }
    return check(label, v, setting);
  });
}

function check(label: string, secret: string, setting: Setting): string[] {
  const minBytes = setting.minSecretBytes ?? DEFAULT_MIN_SECRET_BYTES;
  if (setting.publicValues?.includes(secret)) return [`${label} is the published development value: set a secret of your own in production`];
  const bytes = Buffer.byteLength(secret, 'utf8');
  if (WELL_KNOWN.has(secret.toLowerCase()) || WELL_KNOWN.has(secret.toLowerCase().replace(/[\d!._-]+$/, ''))) {
    return [`${label} is a well-known value that anyone would try first: set a random one in production`];
  }
  if (bytes < minBytes) return [`${label} is too short for production: ${bytes} bytes, at least ${minBytes} needed (e.g. openssl rand -base64 ${Math.max(minBytes, 32)})`];
  if (new Set(secret).size < MIN_DISTINCT) return [`${label} is too weak for production: fewer than ${MIN_DISTINCT} different characters`];
  return [];
}

/** The password a URL carries: `scheme://user:password@host`, or Redis' lone `redis://password@host`. */
function urlPassword(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.password) return decodeURIComponent(url.password);
  if (url.username && url.protocol.startsWith('redis')) return decodeURIComponent(url.username);
  return undefined;
}
