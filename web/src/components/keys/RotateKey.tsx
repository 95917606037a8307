/**
 * Rotating an SDK key: a new secret now, and the old one kept working for an overlap the admin
 * chooses (default 24 h), so deployed clients move over without an outage.
 */
import { Button, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { dateTime } from '../../lib/format';

export const OVERLAPS: { value: string; label: string }[] = [
  { value: '0', label: 'Stop it now' },
  { value: '3600', label: '1 hour' },
  { value: '86400', label: '24 hours' },
  { value: '259200', label: '3 days' },
  { value: '604800', label: '7 days' },
];
export const DEFAULT_OVERLAP = 86400;

/** When a key rotated now with `overlapSeconds` stops working (Unix ms). */
export const stopsAt = (overlapSeconds: number, now: number = Date.now()) => now + overlapSeconds * 1000;

/** A duration ahead in words: `23 min`, `5 h 10 min`, `3 days`. */
export function durationWords(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 1) return 'less than a minute';
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  const m = min % 60;
  if (h < 48) return m ? `${h} h ${m} min` : `${h} h`;
  return `${Math.round(h / 24)} days`;
}

/** A moment as a clock time, with its date unless it is today: `14:05`, `Dec 7, 14:05`. */
export function clockTime(at: number, now: number): string {
  const d = new Date(at);
  const clock = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return d.toDateString() === new Date(now).toDateString() ? clock : `${d.toLocaleDateString([], { month: 'short', day: 'numeric' })}, ${clock}`;
}

/** How long a rotated key's old secret still works: `until 14:05 (in 23 min)`, or `stopped at 14:05`. */
export function overlapText(expiresAt: number, now: number = Date.now()): string {
  return expiresAt > now ? `until ${clockTime(expiresAt, now)} (in ${durationWords(expiresAt - now)})` : `stopped at ${clockTime(expiresAt, now)}`;
}

export function RotateKey({ onRotate, loading, now = Date.now }: { onRotate: (overlapSeconds: number) => void; loading?: boolean; now?: () => number }) {
  const [open, setOpen] = useState(false);
  const [overlap, setOverlap] = useState(DEFAULT_OVERLAP);
  return (
    <>
      <Button size="xs" variant="subtle" loading={loading} onClick={() => setOpen(true)}>
        Rotate
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title="Rotate this key">
        <Stack>
          <Text size="sm">A new secret is shown once. Deployed clients keep working with the old key until it stops.</Text>
          <Select label="The old key keeps working for" data={OVERLAPS} value={String(overlap)} allowDeselect={false} onChange={(v) => v !== null && setOverlap(Number(v))} />
          <Text size="sm" data-testid="old-key-stops">
            {overlap === 0 ? 'The old key stops working now.' : `The old key stops working at ${dateTime(stopsAt(overlap, now()))}.`}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button
              color={overlap === 0 ? 'red' : undefined}
              onClick={() => {
                setOpen(false);
                onRotate(overlap);
              }}
            >
              Rotate key
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
