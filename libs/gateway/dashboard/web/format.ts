/** Number and time formatting shared by the panels. */

export function rate(perSecond: number | null | undefined): string {
  if (perSecond === null || perSecond === undefined) return '–';
  if (perSecond === 0) return '0/s';
  if (perSecond < 0.1) return `${(perSecond * 60).toFixed(1)}/min`;
  return `${perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond)}/s`;
}

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  if (value < 1) return `${value.toFixed(2)} ms`;
  if (value < 1000) return `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
  return `${(value / 1000).toFixed(value < 10_000 ? 2 : 1)} s`;
}

export function percent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined) return '–';
  if (ratio === 0) return '0%';
  return `${(ratio * 100).toFixed(ratio < 0.1 ? 1 : 0)}%`;
}

export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

export function ago(iso: string | number, now: number): string {
  const t = typeof iso === 'number' ? iso : Date.parse(iso);
  const s = (now - t) / 1000;
  if (s < 1) return 'just now';
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s ago`;
  return `${duration(now - t)} ago`;
}

export function bytes(n: number | undefined): string {
  if (n === undefined) return '–';
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KiB`;
  return `${(n / 1024 / 1024).toFixed(0)} MiB`;
}

export function clock(t: number | string): string {
  return new Date(t).toLocaleTimeString([], { hour12: false });
}

const PALETTE: Record<string, string> = {
  gateway: '#6366f1',
  users: '#0ea5e9',
  catalog: '#10b981',
  cart: '#f59e0b',
  orders: '#ef4444',
  payments: '#8b5cf6',
  notifications: '#ec4899',
};

/** A stable color per module (or process) name. */
export function colorOf(name: string): string {
  if (PALETTE[name]) return PALETTE[name];
  let hash = 0;
  for (const c of name) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360} 60% 50%)`;
}
