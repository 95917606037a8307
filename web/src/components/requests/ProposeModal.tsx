/**
 * Proposing changes as a change request: a title (prefilled), a description and, optionally or
 * necessarily, the time it applies at. Once opened, the request is one link away.
 */
import { Alert, Anchor, Button, Group, Modal, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import '@mantine/dates/styles.css'; // with the date pickers, not in the first load
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { openRequest, requestKeys } from '../../api/requests';
import type { ChangeRequest, ProposedChange } from '../../api/types';
import { fieldError } from '../../lib/errors';
import { approvalCount } from '../../lib/requests/status';
import { msToPicker, pickerToMs, scheduleLabel, scheduleProblem } from '../../lib/requests/schedule';
import { requestPath } from '../../scope';
import { ErrorAlert } from '../ErrorAlert';

export interface ProposeModalProps {
  opened: boolean;
  onClose: () => void;
  changes: ProposedChange[];
  defaultTitle: string;
  /** "Schedule…": the time must be given. */
  scheduleRequired?: boolean;
  /** Said above the form, such as why the change needs approval. */
  note?: ReactNode;
  onCreated?: (r: ChangeRequest) => void;
}

function Opened({ r, onClose }: { r: ChangeRequest; onClose: () => void }) {
  const { org = '', project = '', env: envKey = '' } = useParams();
  const { have, need } = approvalCount(r);
  const waiting = r.status === 'open' ? `It waits for ${need - have} approval${need - have === 1 ? '' : 's'}` : 'It needs no approval';
  const then = r.scheduledAt ? `, then applies by itself at ${scheduleLabel(r.scheduledAt)}.` : r.status === 'open' ? ', then someone applies it.' : '; apply it from its page.';
  return (
    <Stack>
      <Alert color="green" title="Change request opened" data-testid="request-opened">
        <Text size="sm">
          “{r.title}”. {waiting}
          {then}
        </Text>
      </Alert>
      <Group justify="space-between">
        <Anchor component={Link} to={requestPath(org, project, envKey, r.id)} onClick={onClose} fw={600}>
          Open the change request
        </Anchor>
        <Button variant="default" onClick={onClose}>
          Close
        </Button>
      </Group>
    </Stack>
  );
}

export function ProposeModal({ opened, onClose, changes, defaultTitle, scheduleRequired = false, note, onCreated }: ProposeModalProps) {
  const { project = '' } = useParams();
  const qc = useQueryClient();
  const [title, setTitle] = useState(defaultTitle);
  const [description, setDescription] = useState('');
  const [at, setAt] = useState<number | null>(null);
  const [tried, setTried] = useState(false);
  const [created, setCreated] = useState<ChangeRequest | null>(null);
  const open = useMutation({
    mutationFn: () => openRequest(project, { title: title.trim(), description, changes, scheduledAt: at }),
    onSuccess: (r) => {
      setCreated(r);
      void qc.invalidateQueries({ queryKey: requestKeys.all(project) });
      onCreated?.(r);
    },
  });
  const reset = open.reset;
  const titleProblem = title.trim() ? null : 'Give the change request a title';
  const timeProblem = scheduleProblem(at, scheduleRequired);
  // Each time it opens, a fresh form for what is proposed now.
  useEffect(() => {
    if (!opened) return;
    setTitle(defaultTitle);
    setDescription('');
    setAt(null);
    setTried(false);
    setCreated(null);
    reset();
  }, [opened]);
  const close = onClose;
  return (
    <Modal opened={opened} onClose={close} title={scheduleRequired ? 'Schedule a change' : 'Propose a change'} size="lg">
      {created ? (
        <Opened r={created} onClose={close} />
      ) : (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            setTried(true);
            if (!titleProblem && !timeProblem) open.mutate();
          }}
        >
          <Stack>
            {note}
            <TextInput label="Title" value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={(tried && titleProblem) || fieldError(open.error, 'title')} data-autofocus />
            <Textarea label="Description" description="Why, and what to watch for" autosize minRows={2} value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={fieldError(open.error, 'description')} />
            <DateTimePicker
              label={scheduleRequired ? 'Apply at' : 'Apply at (optional)'}
              description={scheduleRequired ? 'It applies by itself at this time' : 'Empty: it is applied by hand once approved'}
              placeholder="Pick a date and time"
              valueFormat="ddd D MMM YYYY, HH:mm"
              clearable
              minDate={new Date()}
              value={msToPicker(at)}
              onChange={(v) => setAt(pickerToMs(v))}
              error={(tried && timeProblem) || fieldError(open.error, 'scheduledAt')}
              popoverProps={{ withinPortal: true }}
            />
            <ErrorAlert error={open.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={open.isPending}>
                {scheduleRequired ? 'Schedule' : 'Open change request'}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
