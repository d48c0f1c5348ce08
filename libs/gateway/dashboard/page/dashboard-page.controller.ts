import { Controller, Get, Headers, Param, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiNotModifiedResponse, ApiOkResponse, ApiResponse } from '@nestjs/swagger';
import { CleaveError, NotFoundError } from '@cleave/contracts/kernel/errors';
import { DashboardRequest, DashboardSession } from '../session/dashboard-session';
import { Asset, DashboardAssets } from './dashboard-assets';

/**
 * The page's own rules, stricter than any site-wide policy: its code and styles come from
 * this origin only (no inline script or style, no CDN), and it talks to this origin only, so
 * no data leaves the page except to the gateway.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The page is HTML whatever its status: it shows the sign-in form or "administrators only" itself. */
const HTML = { 'text/html': { schema: { type: 'string' } } };

/** What the built page is made of (DashboardAssets serves these types only). */
const ASSET_TYPES = {
  'text/javascript': { schema: { type: 'string' } },
  'text/css': { schema: { type: 'string' } },
  'application/json': { schema: { type: 'string', description: 'a source map (`.map`)' } },
  'text/html': { schema: { type: 'string' } },
  'image/svg+xml': { schema: { type: 'string' } },
  'image/png': { schema: { type: 'string', format: 'binary' } },
};

interface PageResponse {
  status(code: number): PageResponse;
  setHeader(name: string, value: string): unknown;
  end(body?: Buffer | string): unknown;
}

/**
 * `GET /dashboard`: the page, whose status says whether the caller may see it: 200 for an
 * administrator (by session cookie or bearer header), 403 for anyone else signed in, 401
 * with nobody signed in. The body is the same page each time: it shows the sign-in form or
 * "administrators only" itself, and holds no data (that comes from the API, behind the same
 * check). Its scripts and styles under /dashboard/assets/ are public code.
 */
@Controller('dashboard')
export class DashboardPageController {
  constructor(
    private readonly session: DashboardSession,
    private readonly assets: DashboardAssets,
  ) {}

  @Get()
  // No guard (it answers the page to anyone, with the status saying who may see it): its access is declared here.
  @ApiCookieAuth('dashboardSession')
  @ApiBearerAuth('bearer')
  @ApiOkResponse({ description: 'The page, for an administrator (by session cookie or bearer token)', content: HTML })
  @ApiResponse({ status: 401, description: 'The same page, showing the sign-in form: nobody is signed in', content: HTML })
  @ApiResponse({ status: 403, description: 'The same page, saying administrators only: the caller is not one', content: HTML })
  async page(@Req() request: DashboardRequest, @Res() response: PageResponse): Promise<void> {
    let status = 200;
    try {
      await this.session.admit(request);
    } catch (error) {
      if (!(error instanceof CleaveError) || (error.status !== 401 && error.status !== 403)) throw error;
      status = error.status;
      if (status === 401) response.setHeader('WWW-Authenticate', 'Bearer realm="cleave-dashboard"');
    }
    const page = await this.assets.page();
    response.setHeader('Cache-Control', 'no-store');
    send(response.status(status), page);
  }

  @Get('assets/:name')
  @ApiOkResponse({ description: "A built file of the page (public code), typed by its extension, with an ETag", content: ASSET_TYPES })
  @ApiNotModifiedResponse({ description: 'Unchanged: `If-None-Match` matched its ETag' })
  async asset(@Param('name') name: string, @Res() response: PageResponse, @Headers('if-none-match') ifNoneMatch?: string): Promise<void> {
    const asset = await this.assets.asset(name);
    if (!asset) throw new NotFoundError(`No dashboard asset ${name}`);
    response.setHeader('Cache-Control', 'no-cache');
    response.setHeader('ETag', asset.etag);
    if (ifNoneMatch === asset.etag) {
      response.status(304).end();
      return;
    }
    send(response.status(200), asset);
  }
}

function send(response: PageResponse, asset: Asset): void {
  response.setHeader('Content-Type', asset.type);
  response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('X-Frame-Options', 'DENY');
  response.end(asset.body);
}
