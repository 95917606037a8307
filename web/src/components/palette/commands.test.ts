import { describe, expect, it } from 'vitest';
import type { Environment, Flag } from '../../api/types';
import { paletteCommands } from './commands';
import { shortcutPath } from './shortcuts';

const flag = (key: string, name: string, over: Partial<Flag> = {}): Flag => ({
  key, name, projectId: 'p1', type: 'boolean', variants: [], createdAt: 0, createdBy: 'user:u1', updatedAt: 0, updatedBy: 'user:u1', version: 1, ...over,
});
const env = (key: string, name = key): Environment => ({ id: `e-${key}`, orgId: 'o1', projectId: 'p1', key, name, revision: 1, allowedOrigins: [], createdAt: 0 });
const place = { project: 'p1', envKey: 'development' };

describe('what the command palette offers', () => {
  it('lists every flag by name with its key, leading to the flag in the current environment', () => {
    const c = paletteCommands({ org: 'o1', place, flags: [flag('zeta', 'zeta'), flag('hero-banner', 'Hero banner', { tags: ['web'] })], environments: [], canCreate: false });
    const flags = c.filter((x) => x.group === 'Flags');
    expect(flags.map((x) => [x.label, x.description, x.to])).toEqual([
      ['Hero banner', 'hero-banner', '/orgs/o1/projects/p1/envs/development/flags/hero-banner'],
      ['zeta', 'zeta', '/orgs/o1/projects/p1/envs/development/flags/zeta'],
    ]);
    expect(flags[0].keywords).toEqual(['hero-banner', 'web']);
  });

  it("offers the project's and the organization's pages, other environments, and New flag to editors", () => {
    const c = paletteCommands({ org: 'o1', place, flag: 'beta', flags: [], environments: [env('development'), env('production', 'Production')], canCreate: true });
    const pages = Object.fromEntries(c.filter((x) => x.group === 'Pages').map((x) => [x.label, x.to]));
    expect(pages).toMatchObject({
      Flags: '/orgs/o1/projects/p1/envs/development/flags',
      Segments: '/orgs/o1/projects/p1/envs/development/segments',
      'Environments & SDK keys': '/orgs/o1/projects/p1/envs/development/environments',
      'Audit log': '/orgs/o1/audit',
      Members: '/orgs/o1/members',
      'API tokens': '/orgs/o1/tokens',
      Webhooks: '/orgs/o1/webhooks',
      'Organization settings': '/orgs/o1/settings',
      'History of beta': '/orgs/o1/projects/p1/envs/development/flags/beta?tab=history',
    });
    expect(c.filter((x) => x.group === 'Environments').map((x) => x.label)).toEqual(['Switch to Production']);
    expect(c.find((x) => x.id === 'action:new-flag')?.run).toBe('new-flag');
    expect(paletteCommands({ org: 'o1', place, flags: [], environments: [], canCreate: false }).some((x) => x.id === 'action:new-flag')).toBe(false);
  });

  it('outside any project offers the organization pages only', () => {
    const c = paletteCommands({ org: 'o1', place: null, flags: [flag('x', 'x')], environments: [], canCreate: true });
    expect(c.some((x) => x.group === 'Flags' || x.id === 'action:new-flag' || x.id === 'page:segments')).toBe(false);
    expect(c.some((x) => x.id === 'page:audit')).toBe(true);
    expect(shortcutPath('flags', 'o1', null)).toBe('/orgs/o1/projects');
    expect(shortcutPath('segments', 'o1', place)).toBe('/orgs/o1/projects/p1/envs/development/segments');
    expect(shortcutPath('audit', '', place)).toBeNull();
  });
});
