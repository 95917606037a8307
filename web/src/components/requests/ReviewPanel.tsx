/**
 * What the viewer can do to a request, and only that: approve or reject (with a comment), apply,
 * apply without the approvals (owners, with a reason), withdraw, refresh a conflicted one.
 */
import { Alert, Button, Group, Modal, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { applyRequest, approveRequest, refreshRequest, rejectRequest, requestKeys, withdrawRequest } from '../../api/requests';
import type { ChangeRequest, RequestView } from '../../api/types';
import { requestActions, reviewBlock, type Viewer } from '../../lib/requests/permissions';
import { approvalCount } from '../../lib/requests/status';
import { ConfirmButton } from '../ConfirmButton';
import { ErrorAlert } from '../ErrorAlert';

type Action = 'approve' | 'reject' | 'apply' | 'bypass' | 'withdraw' | 'refresh';

const DONE: Record<Action, string> = {
  approve: 'Approved',
  reject: 'Rejected',
  apply: 'Applied',
  bypass: 'Applied without its approvals',
  withdraw: 'Withdrawn',
  refresh: 'Refreshed onto the current versions',
};

export function ReviewPanel({ project, request: r, viewer }: { project: string; request: RequestView; viewer: Viewer }) {
  const qc = useQueryClient();
  const [comment, setComment] = useState('');
  const [reason, setReason] = useState('');
  const [bypassing, setBypassing] = useState(false);
  const can = requestActions(r, viewer);
  const block = reviewBlock(r, viewer);
  const { have, need } = approvalCount(r);
  const act = useMutation({
    mutationFn: (a: Action): Promise<ChangeRequest> => {
      const text = comment.trim() || undefined;
      switch (a) {
        case 'approve':
          return approveRequest(project, r.id, { revision: r.revision, comment: text });
        case 'reject':
          return rejectRequest(project, r.id, { revision: r.revision, comment: text });
        case 'apply':
          return applyRequest(project, r.id, { revision: r.revision });
        case 'bypass':
          return applyRequest(project, r.id, { revision: r.revision, bypassReason: reason.trim() });
        case 'withdraw':
          return withdrawRequest(project, r.id, r.version);
        case 'refresh':
          return refreshRequest(project, r.id, r.version);
      }
    },
    onSuccess: (next, a) => {
      qc.setQueryData<RequestView>(requestKeys.one(project, r.id), (old) => (old ? { ...old, ...next } : old));
      setComment('');
      setBypassing(false);
      notifications.show({ message: `${DONE[a]}: ${r.title}`, color: a === 'reject' || a === 'withdraw' ? 'gray' : 'green' });
      // Applying changes flags, states and segments; the others change the request only.
      void qc.invalidateQueries({ queryKey: a === 'apply' || a === 'bypass' ? ['projects', project] : requestKeys.all(project) });
    },
    // A refused apply may have marked the request conflicted: read it again either way.
    onError: () => qc.invalidateQueries({ queryKey: requestKeys.one(project, r.id) }),
  });
  const busy = (a: Action) => act.isPending && act.variables === a;
  const reviewing = can.approve || can.reject;
  const anything = reviewing || can.apply || can.bypass || can.withdraw || can.refresh;
  if (!anything && !(block && r.status === 'open')) return null;
  return (
    <Paper withBorder p="md" data-testid="review-panel">
      <Stack gap="sm">
        <Title order={2} size="h5">
          {r.status === 'conflicted' ? 'Refresh' : reviewing ? 'Review' : 'Actions'}
        </Title>
        {r.status === 'open' && block && (
          <Text size="sm" c="dimmed" data-testid="review-block">
            {block}
          </Text>
        )}
        {reviewing && (
          <Textarea label="Comment (optional)" autosize minRows={2} maxLength={2000} value={comment} onChange={(e) => setComment(e.currentTarget.value)} />
        )}
        {can.refresh && (
          <Text size="sm">Refreshing moves its changes onto what is stored now; its approvals are withdrawn and it is reviewed again.</Text>
        )}
        <Group>
          {can.approve && (
            <Button color="teal" loading={busy('approve')} onClick={() => act.mutate('approve')}>
              Approve
            </Button>
          )}
          {can.reject && (
            <Button color="red" variant="light" loading={busy('reject')} onClick={() => act.mutate('reject')}>
              Reject
            </Button>
          )}
          {can.apply && (
            <Button loading={busy('apply')} onClick={() => act.mutate('apply')}>
              Apply now
            </Button>
          )}
          {can.bypass && (
            <Button variant="light" color="orange" onClick={() => setBypassing(true)}>
              Apply without approvals…
            </Button>
          )}
          {can.refresh && (
            <Button color="orange" loading={busy('refresh')} onClick={() => act.mutate('refresh')}>
              Refresh
            </Button>
          )}
          {can.withdraw && (
            <ConfirmButton variant="default" confirm="Withdraw this change request? It will not apply." confirmLabel="Withdraw" loading={busy('withdraw')} onConfirm={() => act.mutate('withdraw')}>
              Withdraw
            </ConfirmButton>
          )}
        </Group>
        <ErrorAlert error={act.error} />
      </Stack>
      <Modal opened={bypassing} onClose={() => setBypassing(false)} title="Apply without approvals">
        <Stack>
          <Alert color="orange" variant="light">
            It has {have} of the {need} approvals it needs. As an owner you may apply it anyway; your reason is recorded with every change it makes.
          </Alert>
          <Textarea label="Reason" required autosize minRows={2} maxLength={500} value={reason} onChange={(e) => setReason(e.currentTarget.value)} data-autofocus />
          <ErrorAlert error={act.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setBypassing(false)}>
              Cancel
            </Button>
            <Button color="orange" disabled={!reason.trim()} loading={busy('bypass')} onClick={() => act.mutate('bypass')}>
              Apply without approvals
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}
