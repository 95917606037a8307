/** A request's comments, oldest first, and a box to add one (any member may). */
import { Button, Group, Paper, Stack, Text, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { commentOnRequest, requestKeys } from '../../api/requests';
import type { Member, RequestView } from '../../api/types';
import { actorName, ago, dateTime } from '../../lib/format';
import { ErrorAlert } from '../ErrorAlert';

export function RequestComments({ project, request: r, members, canComment }: { project: string; request: RequestView; members: Member[] | undefined; canComment: boolean }) {
  const qc = useQueryClient();
  const [text, setText] = useState('');
  const add = useMutation({
    mutationFn: () => commentOnRequest(project, r.id, text.trim()),
    onSuccess: (c) => {
      setText('');
      qc.setQueryData<RequestView>(requestKeys.one(project, r.id), (old) => (old ? { ...old, comments: [...old.comments, c] } : old));
    },
  });
  const comments = [...r.comments].sort((a, b) => a.at - b.at);
  return (
    <Stack gap="sm">
      {comments.length === 0 && (
        <Text size="sm" c="dimmed">
          No comments yet.
        </Text>
      )}
      {comments.map((c) => (
        <Paper key={c.id} withBorder p="sm" data-testid="request-comment">
          <Group gap="xs">
            <Text size="sm" fw={600}>
              {actorName(c.by, members)}
            </Text>
            <Text size="xs" c="dimmed" title={dateTime(c.at)}>
              {ago(c.at)}
            </Text>
          </Group>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {c.text}
          </Text>
        </Paper>
      ))}
      {canComment && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (text.trim()) add.mutate();
          }}
        >
          <Stack gap="xs">
            <Textarea label="Add a comment" autosize minRows={2} maxLength={2000} value={text} onChange={(e) => setText(e.currentTarget.value)} />
            <ErrorAlert error={add.error} />
            <Button type="submit" size="xs" w="fit-content" variant="light" disabled={!text.trim()} loading={add.isPending}>
              Comment
            </Button>
          </Stack>
        </form>
      )}
    </Stack>
  );
}
