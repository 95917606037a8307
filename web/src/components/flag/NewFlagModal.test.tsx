import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Project } from '../../api/types';
import { fakeFetch, renderUi } from '../../test/render';
import { NewFlagModal } from './NewFlagModal';

const project = (clientVisibleByDefault: boolean): Project => ({ id: 'p', orgId: 'o', name: 'Web', createdAt: 0, clientVisibleByDefault });
const created = { projectId: 'p', key: 'beta', name: 'beta', type: 'boolean', variants: [], version: 1, createdBy: 'user:u', createdAt: 0, updatedBy: 'user:u', updatedAt: 0 };

afterEach(() => vi.unstubAllGlobals());

async function createBeta() {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText(/^Key/), 'beta');
  await user.click(screen.getByRole('button', { name: 'Create flag' }));
  return user;
}

describe('NewFlagModal', () => {
  it('presets "Visible to client keys" from the project setting and sends it', async () => {
    const api = fakeFetch({ 'GET /api/v1/projects/p': [200, project(false)], 'POST /api/v1/projects/p/flags': [201, created] });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<NewFlagModal project="p" opened onClose={() => {}} onCreated={() => {}} />);
    const box = screen.getByLabelText('Visible to client keys');
    await waitFor(() => expect(box).not.toBeChecked());
    await createBeta();
    await waitFor(() => expect(api.calls.some((c) => c.method === 'POST')).toBe(true));
    expect(api.calls.find((c) => c.method === 'POST')?.body).toMatchObject({ key: 'beta', clientVisible: false });
  });

  it('a new project shows new flags to client keys, and the creator may hide one', async () => {
    const api = fakeFetch({ 'GET /api/v1/projects/p': [200, project(true)], 'POST /api/v1/projects/p/flags': [201, created] });
    vi.stubGlobal('fetch', api.fn);
    renderUi(<NewFlagModal project="p" opened onClose={() => {}} onCreated={() => {}} />);
    const box = screen.getByLabelText('Visible to client keys');
    await waitFor(() => expect(box).toBeChecked());
    await userEvent.setup().click(box);
    expect(box).not.toBeChecked();
    await createBeta();
    await waitFor(() => expect(api.calls.some((c) => c.method === 'POST')).toBe(true));
    expect(api.calls.find((c) => c.method === 'POST')?.body).toMatchObject({ clientVisible: false });
  });
});
