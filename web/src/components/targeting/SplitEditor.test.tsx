import { act, fireEvent, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import type { Bucket } from '../../lib/targeting/model';
import { renderUi } from '../../test/render';
import { SplitEditor } from './SplitEditor';

function Harness({ initial, variants }: { initial: Bucket[]; variants: string[] }) {
  const [b, setB] = useState(initial);
  return (
    <>
      <SplitEditor label="Split" buckets={b} bucketBy="targetingKey" variants={variants} onChange={(x) => setB(x)} />
      <output data-testid="weights">{b.map((x) => `${x.variant}:${x.weight}`).join(',')}</output>
    </>
  );
}

const weights = () => screen.getByTestId('weights').textContent;

describe('SplitEditor', () => {
  it('typing a percentage moves the others so the total stays 100%', async () => {
    renderUi(<Harness initial={[{ variant: 'on', weight: 50 }, { variant: 'off', weight: 50 }]} variants={['on', 'off']} />);
    const on = screen.getByLabelText('Split: on percent');
    fireEvent.change(on, { target: { value: '30' } });
    expect(weights()).toBe('on:30,off:70');
    expect(screen.getByTestId('split-total')).toHaveTextContent('Total: 100%');
  });

  it('the slider moves with the keyboard, and the total stays 100%', async () => {
    const user = userEvent.setup();
    renderUi(
      <Harness
        initial={[
          { variant: 'a', weight: 34 },
          { variant: 'b', weight: 33 },
          { variant: 'c', weight: 33 },
        ]}
        variants={['a', 'b', 'c']}
      />,
    );
    const thumb = screen.getByRole('slider', { name: 'Split: a percentage' });
    act(() => thumb.focus());
    for (let i = 0; i < 16; i++) await user.keyboard('{ArrowRight}');
    expect(weights()).toBe('a:50,b:25,c:25');
    await user.keyboard('{End}');
    expect(weights()).toBe('a:100,b:0,c:0');
  });

  it('adding and removing variants keeps 100%', async () => {
    const user = userEvent.setup();
    renderUi(<Harness initial={[{ variant: 'a', weight: 60 }, { variant: 'b', weight: 40 }]} variants={['a', 'b', 'c']} />);
    await user.click(screen.getByRole('button', { name: 'Add variant to split' }));
    const sum = () => weights()!.split(',').reduce((n, x) => n + Number(x.split(':')[1]), 0);
    expect(weights()).toMatch(/^a:\d+,b:\d+,c:33$/);
    expect(sum()).toBe(100);
    await user.click(screen.getByRole('button', { name: 'Split: remove a' }));
    expect(sum()).toBe(100);
    expect(weights()).toMatch(/^b:\d+,c:\d+$/);
  });
});
