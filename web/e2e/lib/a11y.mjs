// Accessibility checks with axe-core (@axe-core/playwright) on the page as it is now.
//
//   await checkA11y(page, 'flags list');
//
// Fails (throws, so the step fails) on any violation axe rates serious or critical, naming each
// rule, its help text and the first elements it found; moderate and minor ones are printed only.
import { AxeBuilder } from '@axe-core/playwright';

const BLOCKING = new Set(['serious', 'critical']);

/** Pages checked so far in this process, with how many violations of each impact they had. */
export const a11yLog = [];

/** One violation as a few readable lines: rule, impact, help, and where (at most 3 nodes). */
export function describeViolation(v) {
  const where = v.nodes
    .slice(0, 3)
    .map((n) => {
      const why = n.failureSummary ? `\n        ${n.failureSummary.replace(/\s+/g, ' ').replace(/^Fix (any|all) of the following: /, '').slice(0, 220)}` : '';
      return `      at ${n.target.join(' ')}: ${n.html.replace(/\s+/g, ' ').slice(0, 160)}${why}`;
    });
  const more = v.nodes.length > 3 ? [`      … and ${v.nodes.length - 3} more`] : [];
  return [`    ${v.id} (${v.impact}): ${v.help} [${v.nodes.length}]`, ...where, ...more].join('\n');
}

/**
 * Runs axe on the whole page (open dialogs and menus included, as they are in the DOM) and throws
 * on serious or critical violations. `options.exclude` takes CSS selectors to leave out (for
 * third-party content only: say why where you call it).
 */
export async function checkA11y(page, name, { exclude = [] } = {}) {
  let builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']);
  for (const sel of exclude) builder = builder.exclude(sel);
  const result = await builder.analyze();
  const blocking = result.violations.filter((v) => BLOCKING.has(v.impact));
  const other = result.violations.filter((v) => !BLOCKING.has(v.impact));
  a11yLog.push({ name, url: page.url(), blocking: blocking.length, other: other.length });
  if (other.length) console.log(`    a11y ${name}: ${other.length} moderate/minor\n${other.map(describeViolation).join('\n')}`);
  if (blocking.length) {
    throw new Error(`accessibility (axe) on ${name}: ${blocking.length} serious or critical\n${blocking.map(describeViolation).join('\n')}`);
  }
}
