/** In an audit entry: the change request it came from (or is about), linked, with who approved it. */
import { Anchor, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { AuditEntry, Member } from '../api/types';
import { requestIdOf, requestNote } from '../lib/audit';
import { actorName } from '../lib/format';

const pathOf = (e: AuditEntry, id: string) => `/orgs/${encodeURIComponent(e.orgId)}/projects/${encodeURIComponent(e.projectId ?? '')}/requests/${encodeURIComponent(id)}`;

export function RequestLine({ entry: e, members }: { entry: AuditEntry; members: Member[] | undefined }) {
  const id = requestIdOf(e);
  if (!id || !e.projectId) return null;
  const link = (text: string) => (
    <Anchor component={Link} to={pathOf(e, id)} size="sm">
      {text}
    </Anchor>
  );
  if (!e.request) {
    return (
      <Text size="sm" mb="xs" data-testid="audit-request">
        About a change request: {link('open it')}
      </Text>
    );
  }
  const n = requestNote(e.request, (a) => actorName(a, members));
  return (
    <Text size="sm" mb="xs" data-testid="audit-request">
      Via change request {link(e.request.title)} ({n.approval}){n.scheduled && `, ${n.scheduled}`}
      {n.late && (
        <Text span c="orange" fw={600}>
          , {n.late}
        </Text>
      )}
      .
    </Text>
  );
}
