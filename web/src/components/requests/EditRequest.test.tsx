import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, renderUi } from '../../test/render';
import { MEMBERS, view } from '../../test/request-fixtures';
import { EditRequest, editPatch, withdrawalText } from './EditRequest';

const R = 'PATCH /api/v1/projects/p1/change-requests/r1';

afterEach(() => vi.unstubAllGlobals());

async function openEdit(r = view()) {
  const user = userEvent.setup();
  const api = fakeFetch({ [R]: [200, { ...r, title: 'Turn on checkout in production today', version: r.version + 1, revision: r.revision + 1, approvals: [] }] });
  vi.stubGlobal('fetch', api.fn);
  renderUi(<EditRequest project="p1" request={r} members={MEMBERS} />);
  await user.click(screen.getByRole('button', { name: 'Edit…' }));
  return { user, api, dialog: await screen.findByRole('dialog') };
}

describe('editing a change request', () => {
  it('sends only what changed, with the version it was made on', () => {
    const r = view({ version: 4 });
    expect(editPatch(r, { title: 'New title ', description: '', changes: r.changes as never })).toEqual({ version: 4, title: 'New title' });
  });

  it('says how many approvals, and whose, an edit withdraws', () => {
    expect(withdrawalText({ approvals: [{ by: 'user:ada', role: 'owner', at: 1 }] }, MEMBERS)).toBe(
      'Saving withdraws its 1 approval (Ada Owner): it must be approved again before it applies.',
    );
  });

  it('asks before saving, saying the approvals are withdrawn, then sends the edit', async () => {
    const { user, api, dialog } = await openEdit(view({ approvals: [{ by: 'user:ada', role: 'owner', at: 1 }], version: 2 }));
    const title = within(dialog).getByLabelText('Title');
    await user.clear(title);
    await user.type(title, 'Turn on checkout in production today');
    await user.click(within(dialog).getByRole('button', { name: 'Save…' }));
    expect(within(dialog).getByTestId('edit-request-confirm')).toHaveTextContent('Saving withdraws its 1 approval (Ada Owner)');
    expect(api.calls).toEqual([]);
    await user.click(within(dialog).getByRole('button', { name: 'Save the edit' }));
    await waitFor(() => expect(api.calls).toHaveLength(1));
    expect(api.calls[0]).toMatchObject({ method: 'PATCH', body: { version: 2, title: 'Turn on checkout in production today' } });
  });

  it('sends edited changes', async () => {
    const { user, api, dialog } = await openEdit();
    const changes = [{ kind: 'state', environmentId: 'e-prod', flag: 'checkout', baseVersion: 3, enabled: false, defaultVariant: 'off', targeting: null }];
    fireEvent.change(within(dialog).getByTestId('edit-request-changes'), { target: { value: JSON.stringify(changes) } });
    await user.click(within(dialog).getByRole('button', { name: 'Save…' }));
    await user.click(within(dialog).getByRole('button', { name: 'Save the edit' }));
    await waitFor(() => expect(api.calls).toHaveLength(1));
    expect(api.calls[0].body).toEqual({ version: 1, changes });
  });

  it('cannot save nothing, nor an empty list of changes', async () => {
    const { dialog } = await openEdit();
    expect(within(dialog).getByRole('button', { name: 'Save…' })).toBeDisabled();
    fireEvent.change(within(dialog).getByTestId('edit-request-changes'), { target: { value: '[]' } });
    expect(within(dialog).getByText('A request holds 1 to 20 changes')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Save…' })).toBeDisabled();
  });
});
