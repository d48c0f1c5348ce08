import type { SessionView, TraceRow, WaterfallSpan } from '../dashboard.view';

/** An answer other than 2xx, with the gateway's error message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Same origin only: the page talks to the gateway that served it, and nothing else. */
async function call<T>(method: string, path: string, init: { token?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, credentials: 'same-origin', body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  if (response.status === 204) return undefined as T;
  const body = (await response.json().catch(() => ({}))) as { message?: string };
  if (!response.ok) throw new ApiError(response.status, body.message ?? response.statusText);
  return body as T;
}

export function currentSession(): Promise<SessionView> {
  return call('GET', '/dashboard/api/session');
}

/** Signs in with the shop's own login, then trades the access token for the dashboard's session cookie. */
export async function signIn(email: string, password: string): Promise<SessionView> {
  const { accessToken } = await call<{ accessToken: string }>('POST', '/auth/login', { body: { email, password } });
  return call('POST', '/dashboard/session', { token: accessToken });
}

export function signOut(): Promise<void> {
  return call('DELETE', '/dashboard/session');
}

export interface TraceQuery {
  route: string;
  status: string;
  minDurationMs: string;
}

export async function listTraces(query: TraceQuery): Promise<TraceRow[]> {
  const params = new URLSearchParams({ limit: '50' });
  if (query.route.trim()) params.set('route', query.route.trim());
  if (query.status) params.set('status', query.status);
  if (query.minDurationMs.trim()) params.set('minDurationMs', query.minDurationMs.trim());
  return (await call<{ traces: TraceRow[] }>('GET', `/dashboard/api/traces?${params}`)).traces;
}

export async function traceSpans(traceId: string): Promise<WaterfallSpan[]> {
  return (await call<{ spans: WaterfallSpan[] }>('GET', `/dashboard/api/traces/${traceId}`)).spans;
}
