/**
 * An error from a direct change. When the API refused it because an environment requires
 * approval (403 `approval_required`), says so and offers to propose the same change instead.
 */
import { Alert, Button, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import type { ProposedChange } from '../../api/types';
import { describeError } from '../../lib/errors';
import { approvalRequiredIn } from '../../lib/requests/proposal';
import { ErrorAlert } from '../ErrorAlert';
import { ProposeModal } from './ProposeModal';

export interface Proposal {
  changes: ProposedChange[];
  title: string;
}

interface Props {
  error: unknown;
  /** The refused change as a proposal; null or absent when it cannot be proposed (a delete). */
  propose?: () => Proposal | null;
  /** The title of any other error. */
  title?: string;
}

export function ApprovalRequiredAlert({ error, propose, title }: Props) {
  const [proposal, setProposal] = useState<Proposal | null>(null);
  const envs = approvalRequiredIn(error);
  if (!envs) return <ErrorAlert error={error} title={title} />;
  const offer = propose?.() ?? null;
  return (
    <>
      <Alert color="violet" variant="light" title="Approval required" role="alert" data-testid="approval-required">
        <Stack gap="xs" align="flex-start">
          <Text size="sm">{describeError(error).message} Nothing was changed.</Text>
          {offer ? (
            <Button size="xs" onClick={() => setProposal(offer)}>
              Propose this change…
            </Button>
          ) : (
            <Text size="sm" c="dimmed">
              This change cannot be proposed as it is; propose the steps it needs (such as archiving first).
            </Text>
          )}
        </Stack>
      </Alert>
      <ProposeModal
        opened={!!proposal}
        onClose={() => setProposal(null)}
        changes={proposal?.changes ?? []}
        defaultTitle={proposal?.title ?? ''}
        note={<Text size="sm">{envs.length === 1 ? `Environment ${envs[0]} requires` : `Environments ${envs.join(', ')} require`} approval.</Text>}
      />
    </>
  );
}
