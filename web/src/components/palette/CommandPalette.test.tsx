import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes, useLocation } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Role } from '../../api/types';
import { fakeFetch, renderUi } from '../../test/render';
import { CommandPalette, openPalette } from './CommandPalette';
import { palette } from './PaletteDialog';

afterEach(() => {
  act(() => palette.close());
  localStorage.clear();
  vi.unstubAllGlobals();
});

const FLAGS = '/orgs/o1/projects/p1/envs/development/flags';
const flag = (key: string, name: string) => ({ key, name, projectId: 'p1', type: 'boolean', variants: [], createdAt: 0, createdBy: 'user:u1', updatedAt: 0, updatedBy: 'user:u1', version: 1 });

function api(role: Role = 'viewer') {
  vi.stubGlobal(
    'fetch',
    fakeFetch({
      'GET /api/v1/auth/me': [200, { user: { id: 'u1', email: 'ada@example.com', name: 'Ada', createdAt: 0 }, memberships: [{ organization: { id: 'o1', name: 'Acme', createdAt: 0 }, role }] }],
      'GET /api/v1/projects/p1/flags': [200, { items: [flag('checkout', 'Checkout'), flag('hero-banner', 'Hero banner')], next: null }],
      'GET /api/v1/projects/p1/environments': [200, [{ id: 'e-dev', orgId: 'o1', projectId: 'p1', key: 'development', name: 'development', revision: 1, allowedOrigins: [], createdAt: 0 }]],
      'GET /api/v1/projects/p1': [200, { id: 'p1', orgId: 'o1', name: 'Storefront', createdAt: 0 }],
    }).fn,
  );
}

function Where() {
  return <output data-testid="where">{useLocation().pathname + useLocation().search}</output>;
}

/** The palette as the app's frame mounts it, under every signed-in page. */
const renderAt = (route: string) =>
  renderUi(
    <Routes>
      <Route path="/orgs/:org/*" element={<Palette />} />
      <Route path="/orgs/:org/projects/:project/envs/:env/flags" element={<Palette />} />
      <Route path="/orgs/:org/projects/:project/envs/:env/flags/:flag" element={<Palette />} />
    </Routes>,
    { route },
  );

function Palette() {
  return (
    <>
      <input aria-label="Some field" />
      <CommandPalette />
      <Where />
    </>
  );
}

const search = () => screen.findByRole('textbox', { name: 'Search flags, pages and actions' });

describe('CommandPalette', () => {
  it('opens on mod+K and jumps to a flag found by its name', async () => {
    const user = userEvent.setup();
    api();
    // On an organization page: the flags of the project last opened.
    localStorage.setItem('switchyard.last.o1', JSON.stringify({ project: 'p1', envKey: 'development' }));
    renderAt('/orgs/o1/members');
    fireEvent.keyDown(document.documentElement, { key: 'k', code: 'KeyK', ctrlKey: true });
    await user.type(await search(), 'hero');
    // The query is highlighted in the label ("Hero" marked): found by the key below it.
    const hit = await screen.findByRole('button', { name: /hero-banner/ });
    expect(hit).toHaveTextContent('Hero banner');
    await user.click(hit);
    await waitFor(() => expect(screen.getByTestId('where')).toHaveTextContent(`${FLAGS}/hero-banner`));
  });

  it('opens on / too, and Enter goes to the page matched first', async () => {
    const user = userEvent.setup();
    api();
    renderAt(FLAGS);
    await user.keyboard('/');
    await user.type(await search(), 'audit log');
    await user.keyboard('{ArrowDown}{Enter}');
    await waitFor(() => expect(screen.getByTestId('where')).toHaveTextContent('/orgs/o1/audit'));
  });

  it("on a flag page, offers the flag's history", async () => {
    const user = userEvent.setup();
    api();
    renderAt(`${FLAGS}/checkout`);
    fireEvent.keyDown(document.documentElement, { key: 'k', code: 'KeyK', metaKey: true });
    await user.type(await search(), 'history');
    await user.click(await screen.findByRole('button', { name: /of checkout/ }));
    await waitFor(() => expect(screen.getByTestId('where')).toHaveTextContent(`${FLAGS}/checkout?tab=history`));
  });

  it('opens from a button too (openPalette), for screens without a keyboard', async () => {
    api();
    renderAt(FLAGS);
    act(() => openPalette());
    expect(await search()).toBeInTheDocument();
  });

  it('offers New flag to an editor and opens its form', async () => {
    const user = userEvent.setup();
    api('editor');
    renderAt(FLAGS);
    fireEvent.keyDown(document.documentElement, { key: 'k', code: 'KeyK', ctrlKey: true });
    await user.type(await search(), 'new flag');
    // Offered once the session's role has arrived.
    await user.click(await screen.findByRole('button', { name: /in this project/ }));
    expect(await screen.findByRole('dialog', { name: 'New flag' })).toBeInTheDocument();
  });

  it('goes to the flags, segments and audit log with g f, g s and g a', async () => {
    const user = userEvent.setup();
    api();
    renderAt(`${FLAGS}/checkout`);
    await user.keyboard('gs');
    await waitFor(() => expect(screen.getByTestId('where')).toHaveTextContent('/orgs/o1/projects/p1/envs/development/segments'));
    await user.keyboard('ga');
    await waitFor(() => expect(screen.getByTestId('where')).toHaveTextContent('/orgs/o1/audit'));
  });

  it('still takes shortcuts after the palette was opened and closed', async () => {
    const user = userEvent.setup();
    api();
    renderAt(FLAGS);
    fireEvent.keyDown(document.documentElement, { key: 'k', code: 'KeyK', ctrlKey: true });
    await search();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('textbox', { name: 'Search flags, pages and actions' })).toBeNull());
    await user.keyboard('ga');
    await waitFor(() => expect(screen.getByTestId('where')).toHaveTextContent('/orgs/o1/audit'));
  });

  it('shows the shortcut list on ?', async () => {
    const user = userEvent.setup();
    api();
    renderAt(FLAGS);
    await user.keyboard('?');
    const help = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(help).toHaveTextContent('Go to the audit log');
    expect(help).toHaveTextContent('Open the command palette');
  });

  it('leaves keys typed in a field alone', async () => {
    const user = userEvent.setup();
    api();
    renderAt(FLAGS);
    await user.type(screen.getByRole('textbox', { name: 'Some field' }), 'ga/');
    expect(screen.getByTestId('where')).toHaveTextContent(FLAGS);
    expect(screen.queryByRole('textbox', { name: 'Search flags, pages and actions' })).toBeNull();
  });
});
