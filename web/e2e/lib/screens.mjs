// Every page at every screen size: a phone, a tablet and a laptop.
//
//   await atEveryWidth(page, dir, 'flags-list', { ready: () => page.getByTestId('flag-row-x').waitFor() });
//
// For each width: resize, wait until `ready` resolves, save `<name>-<width>.png`, check that
// nothing makes the page scroll sideways, and (unless `a11y: false`) run axe. The viewport is
// put back as it was at the end.
import { checkA11y } from './a11y.mjs';

export const WIDTHS = [390, 768, 1280];
const HEIGHTS = { 390: 844, 768: 1024, 1280: 860 };

/**
 * Throws when the document is wider than the window (a horizontal scrollbar), naming the widest
 * elements that reach past the right edge so the culprit is easy to find.
 */
export async function checkNoOverflow(page, name) {
  const r = await page.evaluate(() => {
    const doc = document.scrollingElement ?? document.documentElement;
    const width = window.innerWidth;
    const culprits = [];
    if (doc.scrollWidth > width) {
      for (const el of document.querySelectorAll('body *')) {
        const b = el.getBoundingClientRect();
        if (b.right > width + 1 && b.width > 0 && getComputedStyle(el).position !== 'fixed') {
          const id = el.getAttribute('data-testid') ?? el.getAttribute('aria-label') ?? el.className?.toString().split(' ')[0] ?? '';
          culprits.push({ what: `${el.tagName.toLowerCase()}${id ? ` (${id})` : ''}`, right: Math.round(b.right), text: (el.textContent ?? '').trim().slice(0, 40) });
        }
      }
    }
    return { scrollWidth: doc.scrollWidth, width, culprits: culprits.sort((a, b) => b.right - a.right).slice(0, 5) };
  });
  if (r.scrollWidth > r.width) {
    const list = r.culprits.map((c) => `      ${c.what} reaches ${c.right}px: "${c.text}"`).join('\n');
    throw new Error(`${name} overflows sideways at ${r.width}px: the page is ${r.scrollWidth}px wide\n${list}`);
  }
}

/**
 * Waits (up to `timeoutMs`) until `locator` is visible, wholly inside the window (not off to a
 * side, where a phone user cannot reach it; a drawer sliding in counts once it is in) and the
 * topmost element at its centre (nothing covers it: a click lands there). Throws if it never is.
 */
export async function expectOnScreen(page, locator, what, timeoutMs = 3000) {
  await locator.waitFor({ state: 'visible' });
  const end = Date.now() + timeoutMs;
  let why = '';
  for (;;) {
    const box = await locator.boundingBox();
    const { width, height } = page.viewportSize();
    const inside = box && box.x >= 0 && box.y >= 0 && box.x + box.width <= width + 0.5 && box.y + box.height <= height + 0.5;
    const onTop =
      inside &&
      (await locator.evaluate((el) => {
        const r = el.getBoundingClientRect();
        const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
        return !!hit && (hit === el || el.contains(hit));
      }));
    if (onTop) return;
    why = inside ? `is covered by something else at ${width}x${height}` : `is not on screen at ${width}x${height}: ${JSON.stringify(box)}`;
    if (Date.now() > end) throw new Error(`${what} ${why}`);
    await page.waitForTimeout(100);
  }
}

/** Resizes the window as a phone, tablet or laptop of that width would be. */
export async function setWidth(page, width) {
  await page.setViewportSize({ width, height: HEIGHTS[width] ?? 900 });
}

/**
 * Screenshots, the overflow check and axe for one page at each of WIDTHS. `ready` is awaited after
 * each resize (wait for what the page must show); `widths` narrows the list.
 */
export async function atEveryWidth(page, dir, name, { ready, a11y = true, widths = WIDTHS } = {}) {
  const before = page.viewportSize();
  try {
    for (const width of widths) {
      await setWidth(page, width);
      if (ready) await ready(width);
      await page.waitForTimeout(250); // let transitions and charts settle before the picture
      await page.screenshot({ path: `${dir}/${name}-${width}.png`, fullPage: true });
      await checkNoOverflow(page, `${name} at ${width}px`);
      if (a11y) await checkA11y(page, `${name} at ${width}px`);
    }
  } finally {
    if (before) await page.setViewportSize(before);
  }
}
