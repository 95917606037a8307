import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { entry } from '../test/audit-fixtures';
import { renderUi } from '../test/render';
import { MEMBERS } from '../test/request-fixtures';
import { AuditList } from './AuditList';

const ref = { id: 'r1', title: 'Turn on checkout in production', author: 'user:bob', approvers: ['user:ada'] };

describe('audit entries of change requests', () => {
  it('says a change came via a change request, who approved it, and links to the request', async () => {
    const e = entry({ action: 'flag_state.update', target: 'flag:checkout', request: ref });
    renderUi(<AuditList entries={[e]} members={MEMBERS} />);
    const item = screen.getByTestId('audit-entry');
    expect(within(item).getByText('via change request')).toBeInTheDocument();
    await userEvent.setup().click(within(item).getAllByRole('button')[0]);
    const line = within(item).getByTestId('audit-request');
    expect(line).toHaveTextContent('Via change request Turn on checkout in production (approved by Ada Owner).');
    expect(await within(line).findByRole('link', { name: 'Turn on checkout in production' })).toHaveAttribute('href', '/orgs/o1/projects/p1/requests/r1');
  });

  it('marks a scheduled change that applied late, and says how late', async () => {
    const e = entry({ action: 'flag_state.update', target: 'flag:checkout', actor: 'system:scheduler', request: { ...ref, scheduledAt: Date.now() - 600_000, lateByMs: 420_000 } });
    renderUi(<AuditList entries={[e]} members={MEMBERS} expanded={[e.id]} />);
    expect(screen.getByText('7 min late')).toBeInTheDocument();
    expect(screen.getByTestId('audit-request')).toHaveTextContent('applied 7 min late');
  });

  it("links a request's own record to the request", () => {
    const e = entry({ action: 'change_request.approve', target: 'change_request:r9' });
    renderUi(<AuditList entries={[e]} members={MEMBERS} expanded={[e.id]} />);
    expect(within(screen.getByTestId('audit-request')).getByRole('link', { name: 'open it' })).toHaveAttribute('href', '/orgs/o1/projects/p1/requests/r9');
  });
});
