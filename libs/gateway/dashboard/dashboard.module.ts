import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { SystemHealthService } from '../health/system-health.service';
import { DashboardApiController } from './api/dashboard-api.controller';
import { DashboardTraces } from './api/dashboard-traces';
import { DashboardSampler } from './dashboard-sampler';
import { DASHBOARD_ASSETS_DIR, DashboardAssets, DEFAULT_ASSETS_DIR } from './page/dashboard-assets';
import { DashboardPageController } from './page/dashboard-page.controller';
import { MetricsReader } from './sampling/metrics-reader';
import { DashboardSession } from './session/dashboard-session';
import { DashboardSessionController } from './session/dashboard-session.controller';
import { DashboardGuard } from './session/dashboard.guard';

/**
 * The live dashboard at /dashboard: the page (built from ./web by `npm run build`), the
 * administrator's session, and the data the gateway samples from the registry, every
 * instance's metrics and the span store while someone watches.
 */
@Module({
  imports: [AuthModule],
  controllers: [DashboardPageController, DashboardSessionController, DashboardApiController],
  providers: [
    { provide: DASHBOARD_ASSETS_DIR, useValue: DEFAULT_ASSETS_DIR },
    DashboardAssets,
    DashboardSession,
    DashboardGuard,
    DashboardSampler,
    DashboardTraces,
    MetricsReader,
    SystemHealthService,
  ],
})
export class DashboardModule {}
