import { defineSettings, setting } from '@cleave/platform/config';

/** The ring buffers hold windowMs / intervalMs points per chart: a bound on the gateway's memory. */
export const MAX_POINTS = 2000;

/**
 * How the gateway's live dashboard (GET /dashboard) runs. Every one is live: turning the
 * dashboard off ends the open streams at once; a new interval or window starts the charts
 * afresh.
 */
export class DashboardSettings extends defineSettings(
  'dashboard',
  'Dashboard',
  {
    enabled: setting.boolean('CLEAVE_DASHBOARD', {
      default: (context) => context.env.NODE_ENV !== 'production',
      defaultDoc: '`true`, `false` with `NODE_ENV=production`',
      live: true,
      doc: 'serve the live dashboard at `/dashboard` (admins only); off, every dashboard route answers 404',
    }),
    intervalMs: setting.int('CLEAVE_DASHBOARD_INTERVAL_MS', {
      default: 2000,
      min: 100,
      max: 60_000,
      live: true,
      doc: 'how often the gateway samples the system while a dashboard is open (not at all otherwise)',
    }),
    windowMs: setting.int('CLEAVE_DASHBOARD_WINDOW_MS', {
      default: 300_000,
      min: 10_000,
      max: 3_600_000,
      live: true,
      doc: 'how far back the dashboard charts reach',
    }),
    goneMs: setting.int('CLEAVE_DASHBOARD_GONE_MS', {
      default: 10_000,
      max: 600_000,
      live: true,
      doc: 'how long an instance that left the registry stays listed on the dashboard, greyed out',
    }),
  },
  ({ intervalMs, windowMs }) =>
    windowMs / intervalMs > MAX_POINTS ? [`CLEAVE_DASHBOARD_WINDOW_MS / CLEAVE_DASHBOARD_INTERVAL_MS must be at most ${MAX_POINTS} points, got ${Math.ceil(windowMs / intervalMs)}`] : [],
) {}
