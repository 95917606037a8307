/** When a request applies by itself: shown, and changed or removed by those who may edit it. */
import { Button, Group, Stack, Text } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import '@mantine/dates/styles.css'; // with the date pickers, not in the first load
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { editRequest, requestKeys } from '../../api/requests';
import type { RequestView } from '../../api/types';
import { fieldError } from '../../lib/errors';
import { isActive } from '../../lib/requests/permissions';
import { msToPicker, pickerToMs, scheduleLabel, scheduleProblem, when } from '../../lib/requests/schedule';
import { ErrorAlert } from '../ErrorAlert';

export function ScheduleEditor({ project, request: r, canEdit }: { project: string; request: RequestView; canEdit: boolean }) {
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [at, setAt] = useState<number | null>(r.scheduledAt ?? null);
  const [tried, setTried] = useState(false);
  const save = useMutation({
    mutationFn: (scheduledAt: number | null) => editRequest(project, r.id, { scheduledAt, version: r.version }),
    onSuccess: (next) => {
      qc.setQueryData<RequestView>(requestKeys.one(project, r.id), (old) => (old ? { ...old, ...next } : old));
      void qc.invalidateQueries({ queryKey: requestKeys.all(project) });
      setEditing(false);
      setTried(false);
    },
  });
  const problem = scheduleProblem(at, true);
  const approved = (r.approvals ?? []).length > 0;
  return (
    <Stack gap="xs" data-testid="schedule">
      <Text size="sm">
        {!isActive(r) ? (r.scheduledAt ? `It was scheduled for ${when(r.scheduledAt)}.` : 'It was not scheduled.') : r.scheduledAt ? <>Applies by itself at {scheduleLabel(r.scheduledAt)}{r.status === 'open' ? ', if approved by then' : ''}.</> : 'Not scheduled: it is applied by hand once approved.'}
      </Text>
      {canEdit && !editing && (
        <Group gap="xs">
          <Button
            size="xs"
            variant="light"
            onClick={() => {
              setAt(r.scheduledAt ?? null);
              setEditing(true);
            }}
          >
            {r.scheduledAt ? 'Change the time' : 'Schedule it'}
          </Button>
          {r.scheduledAt && (
            <Button size="xs" variant="subtle" color="gray" loading={save.isPending} onClick={() => save.mutate(null)}>
              Remove the time
            </Button>
          )}
        </Group>
      )}
      {editing && (
        <Stack gap="xs">
          <DateTimePicker
            label="Apply at"
            valueFormat="ddd D MMM YYYY, HH:mm"
            minDate={new Date()}
            value={msToPicker(at)}
            onChange={(v) => setAt(pickerToMs(v))}
            error={(tried && problem) || fieldError(save.error, 'scheduledAt')}
            w={280}
          />
          {approved && (
            <Text size="xs" c="orange">
              Changing the time withdraws its approvals: it is reviewed again.
            </Text>
          )}
          <Group gap="xs">
            <Button
              size="xs"
              loading={save.isPending}
              onClick={() => {
                setTried(true);
                if (!problem) save.mutate(at);
              }}
            >
              Save the time
            </Button>
            <Button size="xs" variant="default" onClick={() => setEditing(false)}>
              Cancel
            </Button>
          </Group>
        </Stack>
      )}
      <ErrorAlert error={save.error} />
    </Stack>
  );
}
