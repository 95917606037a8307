/**
 * Editing a change request from its page: its title, description and changes (as JSON, each
 * keeping the version it was made on), sent with the request's version. An edit withdraws every
 * approval, which the confirmation says before anything is sent.
 */
import { Alert, Button, Group, Modal, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { editRequest, requestKeys } from '../../api/requests';
import type { Json, Member, ProposedChange, RequestPatch, RequestView } from '../../api/types';
import { fieldError } from '../../lib/errors';
import { actorName } from '../../lib/format';
import { deepEqual } from '../../lib/json';
import { ErrorAlert } from '../ErrorAlert';
import { JsonField } from '../targeting/JsonField';

interface Draft {
  title: string;
  description: string;
  changes: Json;
}

const draftOf = (r: RequestView): Draft => ({ title: r.title, description: r.description ?? '', changes: r.changes as unknown as Json });

/** What the edit changes, as a PATCH body with the version it was made on. */
export function editPatch(r: RequestView, d: Draft): RequestPatch {
  const patch: RequestPatch = { version: r.version };
  if (d.title.trim() !== r.title) patch.title = d.title.trim();
  if (d.description !== (r.description ?? '')) patch.description = d.description;
  if (!deepEqual(d.changes, r.changes as unknown as Json)) patch.changes = d.changes as unknown as ProposedChange[];
  return patch;
}

/** The confirmation's words: what an edit does to the approvals given. */
export function withdrawalText(r: Pick<RequestView, 'approvals'>, members: Member[] | undefined): string {
  const given = r.approvals ?? [];
  if (given.length === 0) return 'Saving an edit withdraws every approval; it has none yet, so it waits for approvals as before.';
  const who = given.map((a) => actorName(a.by, members)).join(', ');
  return `Saving withdraws its ${given.length} approval${given.length === 1 ? '' : 's'} (${who}): it must be approved again before it applies.`;
}

export function EditRequest({ project, request: r, members }: { project: string; request: RequestView; members: Member[] | undefined }) {
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  // The request as it was when the edit began: the edit is made on its version.
  const [base, setBase] = useState<RequestView>(r);
  const [draft, setDraft] = useState<Draft>(() => draftOf(r));
  const [jsonOk, setJsonOk] = useState(true);
  const save = useMutation({
    mutationFn: () => editRequest(project, r.id, editPatch(base, draft)),
    onSuccess: (next) => {
      qc.setQueryData<RequestView>(requestKeys.one(project, r.id), (old) => (old ? { ...old, ...next } : old));
      void qc.invalidateQueries({ queryKey: requestKeys.all(project) });
      setOpen(false);
      notifications.show({ message: `Saved the edit of “${next.title}” (revision ${next.revision})`, color: 'green' });
    },
    onError: () => setConfirming(false),
  });
  const patch = editPatch(base, draft);
  const moved = open && r.version !== base.version;
  const changed = Object.keys(patch).length > 1;
  const changesProblem = !Array.isArray(draft.changes) || draft.changes.length === 0 ? 'A request holds 1 to 20 changes' : draft.changes.length > 20 ? 'At most 20 changes' : undefined;
  const titleProblem = draft.title.trim() ? undefined : 'Give the change request a title';
  const ready = changed && jsonOk && !changesProblem && !titleProblem;
  return (
    <>
      <Button
        variant="light"
        size="xs"
        onClick={() => {
          setBase(r);
          setDraft(draftOf(r));
          setConfirming(false);
          save.reset();
          setOpen(true);
        }}
      >
        Edit…
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title="Edit the change request" size="xl">
        <Stack>
          <TextInput label="Title" value={draft.title} onChange={(e) => setDraft({ ...draft, title: e.currentTarget.value })} error={titleProblem ?? fieldError(save.error, 'title')} />
          <Textarea label="Description" autosize minRows={2} value={draft.description} onChange={(e) => setDraft({ ...draft, description: e.currentTarget.value })} error={fieldError(save.error, 'description')} />
          <JsonField
            label="Changes"
            description="Each change keeps the version it was made on (baseVersion); the API checks them as when the request was opened."
            value={draft.changes}
            onChange={(changes) => setDraft({ ...draft, changes })}
            onValidity={setJsonOk}
            error={changesProblem}
            minRows={8}
            testId="edit-request-changes"
          />
          {moved && (
            <Alert color="orange" variant="light" data-testid="edit-request-moved">
              Someone changed this request while you were editing (now version {r.version}, you started from version {base.version}). Your save would be refused: cancel and edit it again.
            </Alert>
          )}
          <ErrorAlert error={save.error} />
          {confirming ? (
            <Alert color="orange" variant="light" title="Withdraw the approvals?" data-testid="edit-request-confirm">
              <Stack gap="xs">
                <Text size="sm">{withdrawalText(base, members)}</Text>
                <Group>
                  <Button size="xs" color="orange" loading={save.isPending} onClick={() => save.mutate()}>
                    Save the edit
                  </Button>
                  <Button size="xs" variant="default" onClick={() => setConfirming(false)}>
                    Back
                  </Button>
                </Group>
              </Stack>
            </Alert>
          ) : (
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setOpen(false)}>
                Cancel
              </Button>
              <Button disabled={!ready} onClick={() => setConfirming(true)}>
                Save…
              </Button>
            </Group>
          )}
        </Stack>
      </Modal>
    </>
  );
}
