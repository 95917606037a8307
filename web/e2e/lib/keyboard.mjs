// Driving the dashboard with the keyboard alone: Tab to a control (never a click), and check that
// the focus can be seen where it lands.

/** What has the focus, in words: its role or tag and its accessible-ish name. */
export async function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'nothing (body)';
    const name = el.getAttribute('aria-label') ?? el.labels?.[0]?.textContent ?? el.textContent ?? '';
    return `${el.getAttribute('role') ?? el.tagName.toLowerCase()} "${name.trim().slice(0, 40)}"`;
  });
}

/**
 * Presses Tab (Shift+Tab with `back`) until `locator` has the focus, at most `max` times; throws,
 * saying where the focus went, when it never gets there. Then checks that the focus is visible.
 */
export async function tabTo(page, locator, what, { max = 60, back = false } = {}) {
  const key = back ? 'Shift+Tab' : 'Tab';
  const seen = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    if (await locator.evaluate((el) => el === document.activeElement || el.contains(document.activeElement)).catch(() => false)) {
      await expectVisibleFocus(page, what);
      return i + 1;
    }
    if (seen.length < 12) seen.push(await focused(page));
  }
  throw new Error(`${what}: not reached with ${max} × ${key} (focus went to ${seen.join(', ')}, …)`);
}

/**
 * Throws unless the focused element shows it: an outline or a ring on it or on the part that
 * stands for it (a switch's or checkbox's track, whose real input is invisible), or, for a text
 * field, a border in the focus colour. Reads the browser's computed styles.
 */
export async function expectVisibleFocus(page, what) {
  // Borders and rings fade in (Mantine: 100 ms): look again for up to a second.
  let r = { ok: false, why: 'not checked' };
  for (let i = 0; i < 10 && !r.ok; i++) {
    if (i) await page.waitForTimeout(100);
    r = await focusShows(page);
  }
  if (!r.ok) throw new Error(`the focus on ${what} cannot be seen: ${r.why}`);
}

function focusShows(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { ok: false, why: 'nothing has the focus' };
    const ring = (node) => {
      if (!node) return false;
      const cs = getComputedStyle(node);
      const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0 && cs.outlineColor !== 'rgba(0, 0, 0, 0)';
      return outline || (cs.boxShadow && cs.boxShadow !== 'none');
    };
    // What stands for a visually hidden input (Mantine's Switch and Checkbox draw a track or box next to it).
    const standIns = [el, el.nextElementSibling, el.parentElement?.querySelector('[class*="track"], [class*="icon"]')];
    if (standIns.some(ring)) return { ok: true };
    if (el.matches('input, textarea, [role="combobox"]')) {
      const probe = document.createElement('span');
      probe.style.color = 'var(--mantine-primary-color-filled)';
      document.body.append(probe);
      const focusColour = getComputedStyle(probe).color;
      probe.remove();
      // The border may be drawn by a wrapper (a password field's input sits inside the bordered box).
      const borders = [];
      for (let n = el, i = 0; n && i < 3; n = n.parentElement, i++) {
        const cs = getComputedStyle(n);
        if (parseFloat(cs.borderTopWidth) > 0 && cs.borderTopColor === focusColour) return { ok: true };
        borders.push(cs.borderTopColor);
      }
      const border = borders.join(' / ');
      return { ok: false, why: `border ${border}, focus colour ${focusColour}` };
    }
    return { ok: false, why: `no outline or ring on ${el.tagName.toLowerCase()}.${String(el.className).split(' ')[0]}` };
  });
}
