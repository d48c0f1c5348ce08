import { DashboardSettings } from './dashboard.settings';

describe('dashboard settings', () => {
  it('is on with a 2 s interval and a 5 min window by default, off by default in production', () => {
    expect(DashboardSettings.from({})).toMatchObject({ enabled: true, intervalMs: 2000, windowMs: 300_000, goneMs: 10_000 });
    expect(DashboardSettings.from({ NODE_ENV: 'production' }).enabled).toBe(false);
    expect(DashboardSettings.from({ NODE_ENV: 'production', CLEAVE_DASHBOARD: 'true' }).enabled).toBe(true);
  });

  it('refuses a bad switch, and more points per chart than it keeps', () => {
    expect(() => DashboardSettings.from({ CLEAVE_DASHBOARD: 'maybe' })).toThrow(/CLEAVE_DASHBOARD must be true or false/);
    expect(() => DashboardSettings.from({ CLEAVE_DASHBOARD_INTERVAL_MS: '100', CLEAVE_DASHBOARD_WINDOW_MS: '3600000' })).toThrow(/at most 2000 points/);
  });
});
