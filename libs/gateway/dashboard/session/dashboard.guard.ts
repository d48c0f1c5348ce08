import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { DashboardRequest, DashboardSession } from './dashboard-session';

/** Dashboard data routes: an enabled dashboard (else 404), a signed-in caller (401), an administrator (403). */
@Injectable()
export class DashboardGuard implements CanActivate {
  constructor(private readonly session: DashboardSession) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    await this.session.admit(context.switchToHttp().getRequest<DashboardRequest>());
    return true;
  }
}
