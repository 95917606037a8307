import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { dateTime } from '../../lib/format';
import { renderUi } from '../../test/render';
import { RotateKey } from './RotateKey';

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
