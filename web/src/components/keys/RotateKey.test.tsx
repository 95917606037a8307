import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { dateTime } from '../../lib/format';
import { renderUi } from '../../test/render';
import { durationWords, overlapText, RotateKey } from './RotateKey';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('RotateKey', () => {
  it('offers a 24 h overlap by default and says when the old key stops working', async () => {
    const user = userEvent.setup();
    const onRotate = vi.fn();
    renderUi(<RotateKey onRotate={onRotate} now={() => NOW} />);
    await user.click(screen.getByRole('button', { name: 'Rotate' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByTestId('old-key-stops')).toHaveTextContent(dateTime(NOW + 86_400_000));
    await user.click(within(dialog).getByRole('button', { name: 'Rotate key' }));
    expect(onRotate).toHaveBeenCalledWith(86400);
  });

  it('lets the admin choose another overlap, down to stopping the old key now', async () => {
    const user = userEvent.setup();
    const onRotate = vi.fn();
    renderUi(<RotateKey onRotate={onRotate} now={() => NOW} />);
    await user.click(screen.getByRole('button', { name: 'Rotate' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('combobox', { name: 'The old key keeps working for' }));
    await user.click(await screen.findByRole('option', { name: '7 days' }));
    expect(within(dialog).getByTestId('old-key-stops')).toHaveTextContent(dateTime(NOW + 7 * 86_400_000));
    await user.click(within(dialog).getByRole('combobox', { name: 'The old key keeps working for' }));
    await user.click(await screen.findByRole('option', { name: 'Stop it now' }));
    expect(within(dialog).getByTestId('old-key-stops')).toHaveTextContent('stops working now');
    await user.click(within(dialog).getByRole('button', { name: 'Rotate key' }));
    expect(onRotate).toHaveBeenCalledWith(0);
  });
});

describe('overlapText', () => {
  it('says until when a rotated key works, and how long that is from now', () => {
    const at = NOW + 23 * 60_000;
    expect(overlapText(at, NOW)).toBe(`until ${new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })} (in 23 min)`);
  });

  it('names the day when the end is not today', () => {
    expect(overlapText(NOW + 3 * 86_400_000, NOW)).toMatch(/^until .+, .+ \(in 3 days\)$/);
  });

  it('says when it stopped once it has', () => {
    expect(overlapText(NOW - 60_000, NOW)).toMatch(/^stopped at /);
  });

  it('puts durations in words', () => {
    expect([durationWords(20_000), durationWords(23 * 60_000), durationWords(5 * 3_600_000 + 10 * 60_000), durationWords(24 * 3_600_000)]).toEqual([
      'less than a minute',
      '23 min',
      '5 h 10 min',
      '24 h',
    ]);
  });
});
