import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import type { Json } from '../../api/types';
import { parseTargeting } from '../../lib/targeting/parse';
import { targetingToJson } from '../../lib/targeting/serialize';
import { renderUi } from '../../test/render';
import { TargetingEditor } from './TargetingEditor';

function Harness({ initial, apiError }: { initial: Json; apiError?: unknown }) {
  const [t, setT] = useState(() => parseTargeting(initial));
  return (
    <>
      <TargetingEditor value={t} onChange={setT} variants={['on', 'off']} segments={['beta']} apiError={apiError} />
      <output data-testid="json">{JSON.stringify(targetingToJson(t))}</output>
    </>
  );
}

const out = () => JSON.parse(screen.getByTestId('json').textContent!);

describe('TargetingEditor', () => {
  it('edits in the builder produce the JSON Logic the engine reads', async () => {
    const user = userEvent.setup();
    renderUi(<Harness initial={null} />);
    await user.click(screen.getByRole('button', { name: 'Add rule' }));
    fireEvent.change(screen.getByRole('combobox', { name: 'Rule 1 condition 1: attribute' }), { target: { value: 'country' } });
    await user.click(screen.getByRole('combobox', { name: 'Rule 1 condition 1: operator' }));
    await user.click(screen.getByRole('option', { name: 'is one of (in list)' }));
    const tags = screen.getAllByLabelText('Rule 1 condition 1: values').find((el) => el.tagName === 'INPUT')!;
    await user.type(tags, 'fr{Enter}de{Enter}');
    await user.click(screen.getByLabelText('Rule 1 condition 1: not'));
    expect(out()).toEqual({ if: [{ '!': { in: [{ var: 'country' }, ['fr', 'de']] } }, 'on'] });
  });

  it('shows the JSON of the builder and reads JSON typed back into rules', async () => {
    const user = userEvent.setup();
    renderUi(<Harness initial={{ if: [{ $ref: 'beta' }, 'on', 'off'] }} />);
    expect(within(screen.getByRole('region', { name: 'Rule 1' })).getByRole('combobox', { name: 'Rule 1 condition 1: segment' })).toHaveValue('beta');
    await user.click(screen.getByRole('tab', { name: 'JSON Logic' }));
    const box = screen.getByLabelText(/Targeting \(flagd JSON Logic\)/);
    expect(JSON.parse((box as HTMLTextAreaElement).value)).toEqual({ if: [{ $ref: 'beta' }, 'on', 'off'] });
    fireEvent.change(box, { target: { value: '{"if": [{"sem_ver": [{"var": "v"}, "^", "2.0.0"]}, "off"]}' } });
    await user.click(screen.getByRole('tab', { name: 'Rule builder' }));
    expect(screen.getByRole('combobox', { name: 'Rule 1 condition 1: operator' })).toHaveValue('version (sem_ver)');
    expect(screen.getByRole('combobox', { name: 'Rule 1 condition 1: version comparison' })).toHaveValue('^');
    expect(out()).toEqual({ if: [{ sem_ver: [{ var: 'v' }, '^', '2.0.0'] }, 'off'] });
  });

  it('keeps conditions it cannot show as raw JSON, and they survive other edits', async () => {
    const user = userEvent.setup();
    const odd: Json = { some: [{ var: 'tags' }, { '==': [{ var: '' }, 'x'] }] };
    renderUi(<Harness initial={{ if: [{ and: [{ '==': [{ var: 'plan' }, 'pro'] }, odd] }, 'on'] }} />);
    expect(screen.getByLabelText(/Rule 1 condition 2 \(JSON Logic\)/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Add rule' }));
    expect(out().if[0]).toEqual({ and: [{ '==': [{ var: 'plan' }, 'pro'] }, odd] });
  });

  it("shows the engine's problems on the rule they point at", () => {
    const err = new ApiError(422, 'invalid', 'the targeting rule is not valid', [
      { path: '/targeting/if/2/sem_ver/1', message: 'sem_ver operator "~~" is not one of =, !=, <, <=, >, >=, ^, ~' },
    ]);
    renderUi(<Harness initial={{ if: [{ '==': [{ var: 'a' }, 1] }, 'on', { sem_ver: [{ var: 'v' }, '~~', '1.0.0'] }, 'off'] }} apiError={err} />);
    expect(within(screen.getByRole('region', { name: 'Rule 2' })).getByRole('alert')).toHaveTextContent('sem_ver operator "~~"');
    expect(within(screen.getByRole('region', { name: 'Rule 1' })).queryByRole('alert')).toBeNull();
  });

  it('checks the builder before anything is sent', () => {
    renderUi(<Harness initial={{ if: [{ in: [{ var: 'c' }, []] }, { fractional: [{ cat: [{ var: '$flagd.flagKey' }, { var: 'targetingKey' }] }, ['on', 50], ['off', 50]] }] }} />);
    const rule = screen.getByRole('region', { name: 'Rule 1' });
    expect(within(rule).getByText('list at least one value')).toBeInTheDocument();
  });
});
