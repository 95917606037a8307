import dayjs from 'dayjs';
import { describe, expect, it } from 'vitest';
import { apiFilter, filtersFromParams, filterSummary, withFilters, withoutFilters } from './filters';

const q = (s: string) => new URLSearchParams(s);

describe('the audit log filters in the URL', () => {
  it('reads the filters a shared link holds, and drops what cannot apply', () => {
    expect(filtersFromParams(q('project=p1&environment=production&actor=user:u1&flag=checkout&from=2026-12-01&to=2026-12-03&change=42'))).toEqual({
      project: 'p1',
      environment: 'production',
      actor: 'user:u1',
      flag: 'checkout',
      from: '2026-12-01',
      to: '2026-12-03',
    });
    // An environment without its project, a day that is not one, blanks.
    expect(filtersFromParams(q('environment=production&from=2026-02-31&to=yesterday&flag=%20'))).toEqual({});
  });

  it('writes changes back, keeping other parameters, and clears them all', () => {
    const next = withFilters(q('change=42&project=p1&environment=production'), { flag: 'beta', actor: undefined });
    expect(next.toString()).toBe('change=42&project=p1&environment=production&flag=beta');
    // Leaving the project leaves its environment too.
    expect(withFilters(next, { project: undefined }).toString()).toBe('change=42&flag=beta');
    expect(withoutFilters(next).toString()).toBe('change=42');
  });

  it("asks the API for the environment's id and whole days", () => {
    const f = apiFilter({ project: 'p1', environment: 'production', flag: 'beta', from: '2026-12-01', to: '2026-12-03' }, 'e-prod');
    expect(f).toEqual({
      project: 'p1',
      environment: 'e-prod',
      actor: undefined,
      key: 'beta',
      target: undefined,
      from: dayjs('2026-12-01').valueOf(),
      to: dayjs('2026-12-04').valueOf(),
    });
  });

  it('says what the filtered view holds, and no more', () => {
    expect(filterSummary({})).toBe('Every recorded change');
    const names = { project: () => 'Storefront', environment: () => 'Production', actor: () => 'Ada' };
    expect(filterSummary({ project: 'p1', environment: 'production', actor: 'user:u1', flag: 'checkout', from: '2026-12-01', to: '2026-12-03' }, names)).toBe(
      'Changes to checkout in Production (Storefront) by Ada from 1 Dec 2026 to 3 Dec 2026',
    );
    expect(filterSummary({ project: 'p1' }, names)).toBe('Changes in Storefront');
    expect(filterSummary({ actor: 'token:t1', from: '2026-12-01' })).toBe('Changes by the chosen actor since 1 Dec 2026');
  });
});
