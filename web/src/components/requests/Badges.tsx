/** Small labels of governance: an environment's approval requirement, a request's status. */
import { Badge, Tooltip } from '@mantine/core';
import type { ApprovalPolicy, RequestStatus } from '../../api/types';
import { policyText, STATUS_COLOR } from '../../lib/requests/status';

export function ApprovalBadge({ policy, size = 'md' }: { policy: ApprovalPolicy; size?: 'xs' | 'sm' | 'md' }) {
  return (
    <Tooltip label={`${policyText(policy)}, never from the author${policy.ownerBypass ? '; owners may bypass, giving a reason' : ''}`}>
      <Badge color="violet" variant="light" size={size} data-testid="approval-badge" tabIndex={0}>
        Requires {policy.approvals} approval{policy.approvals === 1 ? '' : 's'}
      </Badge>
    </Tooltip>
  );
}

export function StatusBadge({ status }: { status: RequestStatus }) {
  return (
    <Badge color={STATUS_COLOR[status]} variant="light" data-testid="request-status">
      {status}
    </Badge>
  );
}
