import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderUi } from '../../test/render';
import { TypedConfirm } from './TypedConfirm';

function show() {
  const onConfirm = vi.fn();
  renderUi(
    <TypedConfirm opened onClose={() => {}} title="Delete project Checkout?" phrase="checkout" confirmLabel="Delete project" onConfirm={onConfirm}>
      Its 3 environments and their keys stop working.
    </TypedConfirm>,
  );
  return onConfirm;
}

describe('a typed confirmation', () => {
  it('says what the action reaches', async () => {
    show();
    expect(await screen.findByRole('dialog', { name: 'Delete project Checkout?' })).toHaveTextContent('Its 3 environments and their keys stop working.');
  });

  it('keeps its button disabled until the name is typed exactly', { timeout: 15_000 }, async () => {
    const user = userEvent.setup();
    const onConfirm = show();
    const button = await screen.findByRole('button', { name: 'Delete project' });
    await user.type(screen.getByLabelText('Type checkout to confirm'), 'checkou');
    expect(button).toBeDisabled();
    await user.keyboard('{Enter}');
    expect(onConfirm).not.toHaveBeenCalled();
    await user.type(screen.getByLabelText('Type checkout to confirm'), 't');
    expect(button).toBeEnabled();
    await user.click(button);
    expect(onConfirm).toHaveBeenCalledOnce();
  });

  it('confirms with Enter once the name matches', { timeout: 15_000 }, async () => {
    const user = userEvent.setup();
    const onConfirm = show();
    await user.type(await screen.findByLabelText('Type checkout to confirm'), 'checkout{Enter}');
    expect(onConfirm).toHaveBeenCalledOnce();
  });
});
