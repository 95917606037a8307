/** Says whether the page follows changes as they happen, or polls while the feed is down. */
import { Badge, Tooltip } from '@mantine/core';
import { FALLBACK_POLL_MS } from '../api/live';
import { useFeedStatus } from './LiveProvider';

export function LiveBadge() {
  const status = useFeedStatus();
  const every = `${FALLBACK_POLL_MS / 1000} s`;
  if (status === 'up') {
    return (
      <Tooltip label="Changes made by anyone show here as they happen">
        <Badge color="green" variant="dot" tabIndex={0} data-testid="live-badge">
          Live
        </Badge>
      </Tooltip>
    );
  }
  const label = status === 'connecting' ? 'Connecting…' : status === 'down' ? 'Reconnecting…' : `Updates every ${every}`;
  return (
    <Tooltip label={`The change feed is not connected: this page refreshes every ${every} and when you come back to it`}>
      <Badge color="gray" variant="dot" tabIndex={0} data-testid="live-badge">
        {label}
      </Badge>
    </Tooltip>
  );
}
