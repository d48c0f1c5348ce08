import { Injectable } from '@nestjs/common';
import { parse, serialize } from 'cookie';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '@cleave/contracts/kernel/errors';
import { ConfigSettings } from '@cleave/platform/config';
import { AuthUser } from '../../auth/auth-user';
import { TokenService } from '../../auth/token.service';
import { DashboardSettings } from '../dashboard.settings';

/** The cookie holding a dashboard session, sent by the browser to /dashboard paths only. */
export const SESSION_COOKIE = 'cleave_dashboard';
const AUDIENCE = 'cleave-dashboard';
const COOKIE_PATH = '/dashboard';

export interface DashboardRequest {
  headers: Record<string, string | string[] | undefined>;
  secure?: boolean;
  dashboardUser?: AuthUser;
  dashboardSessionEnds?: number;
}

export interface CookieResponse {
  setHeader(name: string, value: string | string[]): unknown;
}

/**
 * How an administrator reaches the dashboard. A browser sends no bearer header when it
 * navigates, and an EventSource cannot set one; a token in the URL would end up in logs and
 * histories. So the page exchanges the admin's access token once (POST /dashboard/session,
 * bearer header) for a session cookie: HttpOnly (no script reads it), SameSite=Strict (no
 * other site's page sends it), scoped to /dashboard, holding a token valid for the dashboard
 * only and expiring with the access token it came from. Every dashboard route also takes the
 * bearer header itself, for curl.
 */
@Injectable()
export class DashboardSession {
  constructor(
    private readonly tokens: TokenService,
    private readonly settings: DashboardSettings,
    private readonly config: ConfigSettings,
  ) {}

  /** Who calls, from the bearer header or the session cookie; rejects unless an enabled dashboard and an admin. */
  async admit(request: DashboardRequest): Promise<{ user: AuthUser; expiresAt: number }> {
    if (!this.settings.enabled) throw new NotFoundError('The dashboard is off (CLEAVE_DASHBOARD=false)');
    const caller = await this.authenticate(request);
    if (caller.user.role !== 'admin') throw new ForbiddenError('The dashboard is for administrators');
    request.dashboardUser = caller.user;
    request.dashboardSessionEnds = caller.expiresAt * 1000;
    return caller;
  }

  /** Sets the session cookie for the admin whose access token `request` carries. */
  async open(request: DashboardRequest, response: CookieResponse): Promise<{ user: AuthUser; expiresAt: number }> {
    if (!this.settings.enabled) throw new NotFoundError('The dashboard is off (CLEAVE_DASHBOARD=false)');
    const token = bearer(request);
    if (!token) throw new UnauthorizedError('Send the access token as "Authorization: Bearer <token>" to open a dashboard session');
    const { user, expiresAt } = await this.tokens.verifyWithExpiry(token);
    if (user.role !== 'admin') throw new ForbiddenError('The dashboard is for administrators');
    const session = await this.tokens.issueScoped(user, AUDIENCE, expiresAt);
    response.setHeader('Set-Cookie', this.cookie(request, session, Math.max(0, expiresAt - Math.floor(Date.now() / 1000))));
    return { user, expiresAt: expiresAt * 1000 };
  }

  close(request: DashboardRequest, response: CookieResponse): void {
    response.setHeader('Set-Cookie', this.cookie(request, '', 0));
  }

  private async authenticate(request: DashboardRequest): Promise<{ user: AuthUser; expiresAt: number }> {
    const token = bearer(request);
    if (token) return this.tokens.verifyWithExpiry(token);
    const header = request.headers.cookie;
    const session = typeof header === 'string' ? parse(header)[SESSION_COOKIE] : undefined;
    if (!session) throw new UnauthorizedError('Sign in as an administrator to see the dashboard');
    return this.tokens.verifyScoped(session, AUDIENCE);
  }

  private cookie(request: DashboardRequest, value: string, maxAgeSeconds: number): string {
    return serialize(SESSION_COOKIE, value, {
      httpOnly: true,
      sameSite: 'strict',
      path: COOKIE_PATH,
      maxAge: maxAgeSeconds,
      // Over plain HTTP in development (browsers keep Secure cookies from http://localhost only).
      secure: this.config.production || request.secure === true,
    });
  }
}

function bearer(request: DashboardRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || !header.trim()) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new UnauthorizedError('Malformed Authorization header: expected "Bearer <token>"');
  return match[1];
}
