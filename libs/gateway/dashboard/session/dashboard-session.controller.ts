import { Controller, Delete, Get, HttpCode, HttpStatus, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { SessionView } from '../dashboard.view';
import { CookieResponse, DashboardRequest, DashboardSession } from './dashboard-session';
import { DashboardGuard } from './dashboard.guard';

/** Signing in to the dashboard and out of it (see DashboardSession for why a cookie). */
@Controller('dashboard')
export class DashboardSessionController {
  constructor(private readonly session: DashboardSession) {}

  /** `Authorization: Bearer <admin access token>` in, the session cookie out. */
  @Post('session')
  @HttpCode(HttpStatus.OK)
  async open(@Req() request: DashboardRequest, @Res({ passthrough: true }) response: CookieResponse): Promise<SessionView> {
    const { user, expiresAt } = await this.session.open(request, response);
    return { user, expiresAt };
  }

  @Delete('session')
  @HttpCode(HttpStatus.NO_CONTENT)
  close(@Req() request: DashboardRequest, @Res({ passthrough: true }) response: CookieResponse): void {
    this.session.close(request, response);
  }

  /** Who the session is for, and until when. */
  @Get('api/session')
  @UseGuards(DashboardGuard)
  current(@Req() request: DashboardRequest): SessionView {
    return { user: request.dashboardUser!, expiresAt: request.dashboardSessionEnds! };
  }
}
