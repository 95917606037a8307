import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Role } from '../../api/types';
import { fakeFetch, renderUi } from '../../test/render';
import { request, view } from '../../test/request-fixtures';
import { ReviewPanel } from './ReviewPanel';

const R = '/api/v1/projects/p1/change-requests/r1';
const as = (user: string, role: Role) => ({ actor: `user:${user}`, role });

afterEach(() => vi.unstubAllGlobals());

describe('ReviewPanel', () => {
  it('a reviewer approves the revision they read, with their comment', async () => {
    const user = userEvent.setup();
    const api = fakeFetch({ [`POST ${R}/approve`]: [200, request({ status: 'approved', version: 2 })] });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<ReviewPanel project="p1" request={view({ revision: 3 })} viewer={as('ada', 'owner')} />);
    await user.type(screen.getByLabelText('Comment (optional)'), 'Ship it');
    await user.click(screen.getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(api.calls).toEqual([{ method: 'POST', path: `${R}/approve`, body: { revision: 3, comment: 'Ship it' } }]));
  });

  it('the author is told someone else must review, and may only withdraw', () => {
    renderUi(<ReviewPanel project="p1" request={view()} viewer={as('bob', 'editor')} />);
    expect(screen.getByTestId('review-block')).toHaveTextContent('You proposed it: someone else must review it.');
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Withdraw' })).toBeInTheDocument();
  });

  it('an approved request can be applied by an editor', async () => {
    const user = userEvent.setup();
    const api = fakeFetch({ [`POST ${R}/apply`]: [200, request({ status: 'applied' })] });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<ReviewPanel project="p1" request={view({ status: 'approved', approvals: [{ by: 'user:ada', role: 'owner', at: 1 }] })} viewer={as('bob', 'editor')} />);
    await user.click(screen.getByRole('button', { name: 'Apply now' }));
    await waitFor(() => expect(api.calls[0]).toEqual({ method: 'POST', path: `${R}/apply`, body: { revision: 1 } }));
  });

  it('an owner applies without approvals only with a reason', async () => {
    const user = userEvent.setup();
    const api = fakeFetch({ [`POST ${R}/apply`]: [200, request({ status: 'applied' })] });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<ReviewPanel project="p1" request={view()} viewer={as('ada', 'owner')} />);
    await user.click(screen.getByRole('button', { name: 'Apply without approvals…' }));
    const dialog = await screen.findByRole('dialog');
    const go = within(dialog).getByRole('button', { name: 'Apply without approvals' });
    expect(go).toBeDisabled();
    await user.type(within(dialog).getByLabelText(/Reason/), 'Checkout is down');
    await user.click(go);
    await waitFor(() => expect(api.calls[0]?.body).toEqual({ revision: 1, bypassReason: 'Checkout is down' }));
  });

  it('a conflicted request offers a refresh with the version read, and no review', async () => {
    const user = userEvent.setup();
    const api = fakeFetch({ [`POST ${R}/refresh`]: [200, request({ version: 5 })] });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<ReviewPanel project="p1" request={view({ status: 'conflicted', version: 4 })} viewer={as('ada', 'owner')} />);
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(api.calls[0]).toEqual({ method: 'POST', path: `${R}/refresh`, body: { version: 4 } }));
  });

  it('shows nothing to a viewer of a closed request', () => {
    renderUi(<ReviewPanel project="p1" request={view({ status: 'applied' })} viewer={as('vi', 'viewer')} />);
    expect(screen.queryByTestId('review-panel')).toBeNull();
  });
});
