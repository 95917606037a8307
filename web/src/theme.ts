import { createTheme, darken, type CSSVariablesResolver, type MantineTheme } from '@mantine/core';

const CALENDAR_LABELS = {
  previousMonth: 'Previous month',
  nextMonth: 'Next month',
  previousYear: 'Previous year',
  nextYear: 'Next year',
  previousDecade: 'Previous decade',
  nextDecade: 'Next decade',
};

export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'sm',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  components: {
    // Accordion panels open at once. Animated, a panel grew for 200 ms with overflow hidden, and
    // whatever was clicked or focused in it meanwhile moved: a browser scrolls the clipped panel
    // to show the button, then the growing panel slides its content down, so a "Restore" pressed
    // during the animation was released 16 px above itself and never clicked (the e2e's flaky
    // restore step).
    Accordion: { defaultProps: { transitionDuration: 0 } },
    // Icon-only buttons get names: the × of a modal, a drawer, a notification and an alert, and a
    // calendar's month arrows.
    // A dialog's <header> is its title bar, not a second banner landmark beside the page's.
    Modal: { defaultProps: { closeButtonProps: { 'aria-label': 'Close dialog' }, attributes: { header: { role: 'none' } } } },
    Drawer: { defaultProps: { closeButtonProps: { 'aria-label': 'Close drawer' } } },
    Notification: { defaultProps: { closeButtonProps: { 'aria-label': 'Dismiss' } } },
    Alert: { defaultProps: { closeButtonLabel: 'Dismiss' } },
    Calendar: { defaultProps: { ariaLabels: CALENDAR_LABELS } },
    DatePicker: { defaultProps: { ariaLabels: CALENDAR_LABELS } },
    DateTimePicker: { defaultProps: { ariaLabels: CALENDAR_LABELS } },
    DatePickerInput: { defaultProps: { ariaLabels: CALENDAR_LABELS } },
    // A table that scrolls sideways on a phone can be scrolled from the keyboard too (focus it, then
    // the arrow keys), even when nothing in it can take the focus (axe: scrollable-region-focusable).
    TableScrollContainer: { defaultProps: { scrollAreaProps: { viewportProps: { tabIndex: 0 } } } },
    // Mantine's focus placeholder is a role="presentation" element with a tabindex inside
    // role="menu", which menus may not hold (axe: aria-required-children, critical).
    Menu: { defaultProps: { withInitialFocusPlaceholder: false } },
  },
});

/** WCAG's contrast ratio of two `#rrggbb` colours (1 to 21). */
export function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const v = parseInt(hex.slice(i, i + 2), 16) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

/** What small text needs (WCAG AA is 4.5:1), with a little room for anti-aliasing. */
export const MIN_CONTRAST = 4.6;

/** `color`, darkened in small steps until it reaches MIN_CONTRAST against every one of `backgrounds`. */
export function readableOn(backgrounds: string | string[], color: string): string {
  const on = Array.isArray(backgrounds) ? backgrounds : [backgrounds];
  for (let amount = 0; amount < 1; amount += 0.04) {
    const c = amount === 0 ? color : rgbToHex(darken(color, amount));
    if (on.every((b) => contrast(c, b) >= MIN_CONTRAST)) return c;
  }
  return '#000000';
}

function rgbToHex(rgb: string): string {
  if (rgb.startsWith('#')) return rgb;
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? ['0', '0', '0']).slice(0, 3).map((n) => Math.round(Number(n)));
  return `#${[r, g, b].map((n) => n.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Mantine's light scheme puts white text on shade 6 (indigo 4.3:1, red 3.3:1, green 2.4:1,
 * yellow 1.9:1), shade 9 text on shade 1 for "light" badges (green 3.8:1) and gray 6 for dimmed
 * text (3.3:1): all under the 4.5:1 that small text needs (axe's color-contrast). Each palette
 * colour's filled, outline and text shades are darkened until white text and white backgrounds
 * reach it, and its light-variant text until it reads on its shade-1 background. Colours that
 * already do are left as Mantine has them.
 */
export const cssVariablesResolver: CSSVariablesResolver = (t: MantineTheme) => {
  const light: Record<string, string> = { '--mantine-color-dimmed': '#5f666d' };
  const shade = typeof t.primaryShade === 'number' ? t.primaryShade : t.primaryShade.light;
  for (const [name, palette] of Object.entries(t.colors)) {
    if (name === 'dark') continue;
    const filled = readableOn('#ffffff', palette[shade]);
    light[`--mantine-color-${name}-filled`] = filled;
    light[`--mantine-color-${name}-filled-hover`] = rgbToHex(darken(filled, 0.1));
    // Coloured text and outlines sit on white, on the light gray of tables and code, and on
    // their own colour's lightest tints (an active navigation link, a selected row, a hovered
    // subtle button).
    const text = readableOn(['#ffffff', t.colors.gray[1], palette[0], palette[1], palette[2]], palette[shade]);
    light[`--mantine-color-${name}-outline`] = text;
    light[`--mantine-color-${name}-text`] = text;
    light[`--mantine-color-${name}-light-color`] = readableOn([palette[0], palette[1], palette[2]], palette[9]); // 2: hovered
  }
  // Links: 4.5:1 on white, light gray and a selected row, and still 3:1 from black body text.
  light['--mantine-color-anchor'] = readableOn(['#ffffff', t.colors.gray[1], t.colors[t.primaryColor][0]], t.colors[t.primaryColor][shade]);
  light['--mantine-color-error'] = readableOn('#ffffff', t.colors.red[6]);
  // Placeholders are text too (a date picker's "Pick a date and time" is all its field shows).
  light['--mantine-color-placeholder'] = readableOn(['#ffffff', t.colors.gray[0]], t.colors.gray[6]);
  return { variables: {}, light, dark: {} };
};
