import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEV, PROD } from '../../test/request-fixtures';
import { fakeFetch, renderUi } from '../../test/render';
import { ApprovalSetting } from './ApprovalSetting';

const PATH = '/api/v1/projects/p1/environments/e-dev';

afterEach(() => vi.unstubAllGlobals());

describe('ApprovalSetting', () => {
  it('an admin turns approval on with a count, a role and owner bypass, saved as one policy', async () => {
    const user = userEvent.setup();
    const api = fakeFetch({ [`PATCH ${PATH}`]: [200, { ...DEV, approval: { approvals: 2, minRole: 'admin', ownerBypass: true } }] });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<ApprovalSetting project="p1" env={DEV} canManage />);
    await user.click(screen.getByRole('switch', { name: /^Require approval for changes in development/ }));
    await user.clear(screen.getByLabelText('Approvals needed'));
    await user.type(screen.getByLabelText('Approvals needed'), '2');
    await user.click(screen.getByRole('combobox', { name: 'From members who are at least' }));
    await user.click(screen.getByRole('option', { name: 'admin (or owner)' }));
    await user.click(screen.getByLabelText(/Owners may apply a change without its approvals/));
    await user.click(screen.getByRole('button', { name: 'Save approvals' }));
    await waitFor(() => expect(api.calls).toHaveLength(1));
    expect(api.calls[0]).toEqual({ method: 'PATCH', path: PATH, body: { approval: { approvals: 2, minRole: 'admin', ownerBypass: true } } });
  });

  it('turning approval off saves a null policy', async () => {
    const user = userEvent.setup();
    const api = fakeFetch({ [`PATCH /api/v1/projects/p1/environments/e-prod`]: [200, { ...PROD, approval: null }] });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<ApprovalSetting project="p1" env={PROD} canManage />);
    await user.click(screen.getByRole('switch', { name: /^Require approval for changes in production/ }));
    await user.click(screen.getByRole('button', { name: 'Save approvals' }));
    await waitFor(() => expect(api.calls[0]?.body).toEqual({ approval: null }));
  });

  it("shows the API's refusal where the field is", async () => {
    const user = userEvent.setup();
    const problem = { path: '/approval/approvals', message: 'asks for 3 approvals but the organization has 2 members who are editor or stronger' };
    vi.stubGlobal('fetch', fakeFetch({ [`PATCH ${PATH}`]: [422, { error: { code: 'invalid', message: 'the approval policy is not valid', details: [problem] } }] }).fn);
    renderUi(<ApprovalSetting project="p1" env={DEV} canManage />);
    await user.click(screen.getByRole('switch', { name: /^Require approval for changes in development/ }));
    await user.click(screen.getByRole('button', { name: 'Save approvals' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Please fix the following');
    expect(screen.getAllByText(problem.message).length).toBeGreaterThan(0);
  });

  it('anyone but an admin sees the policy without a way to change it', () => {
    renderUi(<ApprovalSetting project="p1" env={PROD} canManage={false} />);
    expect(screen.getByRole('switch', { name: /^Require approval for changes in production/ })).toBeDisabled();
    expect(screen.getByTestId('approval-summary')).toHaveTextContent('Requires 1 approval from editors or stronger, never from the author.');
    expect(screen.queryByRole('button', { name: 'Save approvals' })).toBeNull();
  });
});
