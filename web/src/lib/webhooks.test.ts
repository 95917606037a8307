import { describe, expect, it } from 'vitest';
import { dateTime } from './format';
import { endpointName, filterSummary, prettyBody, shortChangeId, urlProblem, webhookStatus } from './webhooks';

describe('webhooks display', () => {
  it('status_is_enabled_failing_since_or_disabled', () => {
    expect(webhookStatus({ enabled: true, failingSince: null, disabledReason: null })).toMatchObject({ label: 'Enabled', kind: 'enabled' });
    expect(webhookStatus({ enabled: true, failingSince: 5, disabledReason: null })).toMatchObject({ label: `Failing since ${dateTime(5)}`, kind: 'failing' });
    // Disabled wins over failing; disabled by Switchyard is red, by an admin grey.
    expect(webhookStatus({ enabled: false, failingSince: 5, disabledReason: 'HTTP 500' })).toMatchObject({ label: 'Disabled', color: 'red' });
    expect(webhookStatus({ enabled: false, failingSince: null, disabledReason: null })).toMatchObject({ label: 'Disabled', color: 'gray' });
    expect(webhookStatus({ enabled: false, failingSince: null, disabledReason: 'disabled by user:u1' })).toMatchObject({ label: 'Disabled', color: 'gray' });
  });

  it('filter_summary_names_each_part_and_says_every_change_when_empty', () => {
    expect(filterSummary({ projects: [], environments: [], tags: [], events: [] })).toBe('Every change');
    expect(filterSummary(null)).toBe('Every change');
    expect(
      filterSummary(
        { projects: ['p1', 'gone'], environments: ['e1'], tags: ['a', 'b'], events: ['flag.changed'] },
        { project: (id) => (id === 'p1' ? 'Storefront' : undefined), environment: () => 'Storefront / production' },
      ),
    ).toBe('Projects: Storefront, gone · Environments: Storefront / production · Tags: a, b · Events: flag.changed');
  });

  it('url_must_be_http_or_https', () => {
    expect(urlProblem('')).toBe('Enter the URL to send to');
    expect(urlProblem('example.com/hook')).toMatch(/full URL/);
    expect(urlProblem('ftp://example.com')).toBe('Use an https:// URL');
    expect(urlProblem('https://example.com/hook')).toBeUndefined();
    expect(urlProblem('http://127.0.0.1:9000/hook')).toBeUndefined();
  });

  it('names_and_bodies_read_well', () => {
    expect(endpointName({ description: '  ', url: 'https://x.test/h' })).toBe('https://x.test/h');
    expect(endpointName({ description: 'deploy bot', url: 'https://x.test/h' })).toBe('deploy bot');
    expect(prettyBody('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyBody('not json')).toBe('not json');
    expect(shortChangeId('00000000000000000042')).toBe('42');
    expect(shortChangeId('0000')).toBe('0');
    expect(shortChangeId('chg_01HX')).toBe('chg_01HX');
  });
});
