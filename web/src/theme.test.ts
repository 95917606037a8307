import { DEFAULT_THEME, mergeMantineTheme } from '@mantine/core';
import { contrast, cssVariablesResolver, MIN_CONTRAST, readableOn, theme } from './theme';

const full = mergeMantineTheme(DEFAULT_THEME, theme);
const light = cssVariablesResolver(full).light as Record<string, string>;

describe('theme colours', () => {
  it('white text on every filled colour reads at 4.5:1 or more', () => {
    for (const name of Object.keys(full.colors).filter((n) => n !== 'dark')) {
      expect(contrast('#ffffff', light[`--mantine-color-${name}-filled`]), name).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('light badges, alerts and buttons read at 4.5:1 or more on their own background, hovered too', () => {
    for (const name of Object.keys(full.colors).filter((n) => n !== 'dark')) {
      for (const bg of [full.colors[name][1], full.colors[name][2]]) {
        expect(contrast(bg, light[`--mantine-color-${name}-light-color`]), `${name} on ${bg}`).toBeGreaterThanOrEqual(4.5);
      }
    }
  });

  it('coloured text reads at 4.5:1 or more on white, light gray and its own lightest tint', () => {
    for (const name of Object.keys(full.colors).filter((n) => n !== 'dark')) {
      for (const bg of ['#ffffff', full.colors.gray[1], full.colors[name][1]]) {
        expect(contrast(bg, light[`--mantine-color-${name}-text`]), `${name} on ${bg}`).toBeGreaterThanOrEqual(4.5);
      }
    }
  });

  it('dimmed text, links, errors and placeholders read at 4.5:1 or more on white', () => {
    for (const v of ['--mantine-color-dimmed', '--mantine-color-anchor', '--mantine-color-error', '--mantine-color-placeholder']) {
      expect(contrast('#ffffff', light[v]), v).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('links stand out from black text at 3:1 or more', () => {
    expect(contrast('#000000', light['--mantine-color-anchor'])).toBeGreaterThanOrEqual(3);
  });

  it('leaves a colour that already reads as it is', () => {
    expect(readableOn('#ffffff', '#212529')).toBe('#212529');
    expect(contrast('#ffffff', readableOn('#ffffff', '#fab005'))).toBeGreaterThanOrEqual(MIN_CONTRAST);
  });
});
