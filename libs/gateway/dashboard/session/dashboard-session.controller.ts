import { Controller, Delete, Get, HttpCode, HttpStatus, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { SessionView } from '../dashboard.view';
import { ErrorBodyDto } from '../../http/openapi/views.dto';
import { SessionViewDto } from '../api/dashboard-views.dto';
import { CookieResponse, DashboardRequest, DashboardSession } from './dashboard-session';
import { DashboardGuard } from './dashboard.guard';

/** Signing in to the dashboard and out of it (see DashboardSession for why a cookie). */
@Controller('dashboard')
export class DashboardSessionController {
  constructor(private readonly session: DashboardSession) {}

  /** `Authorization: Bearer <admin access token>` in, the session cookie out. */
  @Post('session')
  @HttpCode(HttpStatus.OK)
  // No guard: it checks the bearer token itself, so its errors are declared here rather than
  // derived from its guards (openapi.ts). It takes no body.
  @ApiBearerAuth('bearer')
  @ApiOkResponse({
    type: SessionViewDto,
    description: 'Signed in to the dashboard until the access token expires',
    headers: { 'Set-Cookie': { description: 'the session: `cleave_dashboard`, HttpOnly, SameSite=Strict', schema: { type: 'string' } } },
  })
  @ApiUnauthorizedResponse({ type: ErrorBodyDto, description: 'UNAUTHORIZED: no bearer token, or not a valid one' })
  @ApiForbiddenResponse({ type: ErrorBodyDto, description: 'FORBIDDEN: the token is not an administrator\'s' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'NOT_FOUND: the dashboard is off (CLEAVE_DASHBOARD=false)' })
  async open(@Req() request: DashboardRequest, @Res({ passthrough: true }) response: CookieResponse): Promise<SessionView> {
    const { user, expiresAt } = await this.session.open(request, response);
    return { user, expiresAt };
  }

  @Delete('session')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Signed out: the cookie is cleared (`Set-Cookie` with Max-Age=0); no body' })
  close(@Req() request: DashboardRequest, @Res({ passthrough: true }) response: CookieResponse): void {
    this.session.close(request, response);
  }

  /** Who the session is for, and until when. */
  @Get('api/session')
  @UseGuards(DashboardGuard)
  @ApiOkResponse({ type: SessionViewDto, description: 'The session: whose, and until when' })
  current(@Req() request: DashboardRequest): SessionView {
    return { user: request.dashboardUser!, expiresAt: request.dashboardSessionEnds! };
  }
}
