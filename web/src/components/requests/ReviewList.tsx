/** Who approved a request (and with what role and comment), and who rejected it. */
import { Stack, Text, Timeline } from '@mantine/core';
import type { ChangeRequest, Member, Review } from '../../api/types';
import { actorName, ago, dateTime } from '../../lib/format';

function Item({ r, verb, members }: { r: Review; verb: string; members: Member[] | undefined }) {
  return (
    <Stack gap={0}>
      <Text size="sm" fw={500}>
        {verb} by {actorName(r.by, members)} ({r.role})
      </Text>
      <Text size="xs" c="dimmed" title={dateTime(r.at)}>
        {ago(r.at)}
      </Text>
      {r.comment && (
        <Text size="sm" mt={4} style={{ whiteSpace: 'pre-wrap' }}>
          “{r.comment}”
        </Text>
      )}
    </Stack>
  );
}

export function ReviewList({ request: r, members }: { request: ChangeRequest; members: Member[] | undefined }) {
  const approvals = r.approvals ?? [];
  if (approvals.length === 0 && !r.rejection) {
    return (
      <Text size="sm" c="dimmed" data-testid="reviews">
        No reviews yet.
      </Text>
    );
  }
  return (
    <Timeline bulletSize={14} lineWidth={2} data-testid="reviews">
      {approvals.map((a) => (
        <Timeline.Item key={`a-${a.by}`} color="teal">
          <Item r={a} verb="Approved" members={members} />
        </Timeline.Item>
      ))}
      {r.rejection && (
        <Timeline.Item color="red">
          <Item r={r.rejection} verb="Rejected" members={members} />
        </Timeline.Item>
      )}
    </Timeline>
  );
}
