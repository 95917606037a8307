import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Explanation } from '../../api/types';
import { fakeFetch, renderUi } from '../../test/render';
import { DEV } from '../../test/request-fixtures';
import { Playground } from './Playground';

const EVALUATE = 'POST /api/v1/projects/p1/environments/e-dev/flags/checkout/evaluate';
const base: Explanation = { reason: 'DEFAULT', variant: 'old', value: 'old', rules: [], prerequisites: [], failedPrerequisite: null };

async function evaluate(answer: Explanation) {
  const user = userEvent.setup();
  vi.stubGlobal('fetch', fakeFetch({ [EVALUATE]: [200, answer] }).fn);
  renderUi(<Playground project="p1" env={DEV} flagKey="checkout" prerequisites={[{ flag: 'beta', variants: ['on'] }]} />);
  await user.click(screen.getByRole('button', { name: 'Evaluate' }));
  return screen.findByTestId('playground-result');
}

afterEach(() => vi.unstubAllGlobals());

describe('the playground', () => {
  it('names the prerequisite that decided when it failed', async () => {
    const result = await evaluate({ ...base, prerequisites: [{ flag: 'beta', variant: 'off', held: false }], failedPrerequisite: 'beta' });
    expect(within(result).getByTestId('playground-prerequisite-verdict')).toHaveTextContent('Prerequisite beta served off, not on: it decided');
    expect(within(result).getByTestId('playground-matched')).toHaveTextContent('prerequisite beta');
    expect(within(result).getByTestId('playground-prerequisite')).toHaveTextContent('decided');
  });

  it('says the own rules decided when every prerequisite held', async () => {
    const result = await evaluate({ ...base, reason: 'TARGETING_MATCH', matchedRule: 0, prerequisites: [{ flag: 'beta', variant: 'on', held: true }] });
    expect(within(result).getByTestId('playground-prerequisite-verdict')).toHaveTextContent("Every prerequisite held (beta is on), so the flag's own rules decided.");
    expect(within(result).getByTestId('playground-matched')).toHaveTextContent('Rule 1');
  });

  it('shows no prerequisites section for a flag without any', async () => {
    const result = await evaluate(base);
    expect(within(result).queryByTestId('playground-prerequisites')).toBeNull();
  });
});
