/**
 * Importing a flagd document into an environment: paste it or choose a file, see what it would
 * change against the environment as it is now (parse errors first, in place), confirm, and the
 * server applies it all or nothing, or lists every problem it found.
 */
import { Alert, Button, FileInput, Group, List, Modal, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { exportFlagd, importFlagd } from '../../api/projects';
import { isCritical } from '../../lib/critical';
import type { Environment, ImportSummary } from '../../api/types';
import { ErrorAlert } from '../ErrorAlert';
import { ImportPreview } from './ImportPreview';
import { type ParsedFlagd, parseFlagdText, type Problem } from './parse';
import { changesAnything, type ImportPreview as Preview, previewImport } from './preview';

export function importSummaryText(s: ImportSummary, envName: string): string {
  const parts = [
    `${s.flagsCreated} flag${s.flagsCreated === 1 ? '' : 's'} created`,
    `${s.flagsUpdated} updated`,
    `${s.statesUpdated} state${s.statesUpdated === 1 ? '' : 's'} set`,
  ];
  if (s.segmentsWritten) parts.push(`${s.segmentsWritten} segment${s.segmentsWritten === 1 ? '' : 's'} written`);
  return `Imported into ${envName}: ${parts.join(', ')}`;
}

function Problems({ problems }: { problems: Problem[] }) {
  return (
    <Alert color="red" title="This document cannot be imported" role="alert" data-testid="flagd-parse-problems">
      <List size="sm">
        {problems.map((p, i) => (
          <List.Item key={i}>
            {p.path ? <code>{p.path}</code> : null} {p.message}
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}

export function ImportFlagd({ project, env, opened, onClose }: { project: string; env: Environment; opened: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const [text, setText] = useState('');
  const [fileError, setFileError] = useState<string | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [ready, setReady] = useState<{ doc: ParsedFlagd; preview: Preview } | null>(null);

  const load = useMutation({
    mutationFn: async (doc: ParsedFlagd) => ({ doc, preview: previewImport(await exportFlagd(project, env.id), doc) }),
    onSuccess: setReady,
  });
  const apply = useMutation({
    mutationFn: (doc: ParsedFlagd) => importFlagd(project, env.id, doc.raw),
    onSuccess: (s) => {
      notifications.show({ message: importSummaryText(s, env.name), color: 'green' });
      void qc.invalidateQueries({ queryKey: ['projects', project] });
      close();
    },
  });

  function close() {
    setText('');
    setProblems([]);
    setReady(null);
    setFileError(null);
    load.reset();
    apply.reset();
    onClose();
  }

  function previewIt() {
    const r = parseFlagdText(text);
    if (!r.ok) {
      setProblems(r.problems);
      return;
    }
    setProblems([]);
    load.mutate(r.doc);
  }

  async function readFile(f: File | null) {
    setFileError(null);
    if (!f) return;
    try {
      setText(await f.text());
      setProblems([]);
    } catch {
      setFileError(`${f.name} could not be read`);
    }
  }

  return (
    <Modal opened={opened} onClose={close} title={`Import a flagd document into ${env.name}`} size="xl">
      {!ready ? (
        <Stack>
          <Text size="sm">
            Flags in the file are created or updated, and their state in {env.name} set as the file says; flags not in the file stay as
            they are. You see what changes before anything is saved.
          </Text>
          <Textarea
            label="flagd document"
            placeholder='{"flags": {"new-checkout": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off"}}}'
            autosize
            minRows={8}
            maxRows={20}
            styles={{ input: { fontFamily: 'monospace', fontSize: 12 } }}
            value={text}
            onChange={(e) => {
              setText(e.currentTarget.value);
              setProblems([]);
            }}
          />
          <FileInput label="Or choose a file" placeholder="flags.json" accept="application/json,.json" clearable onChange={readFile} error={fileError} />
          {problems.length > 0 && <Problems problems={problems} />}
          <ErrorAlert error={load.error} title="The current flags could not be read" />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button onClick={previewIt} loading={load.isPending}>
              Preview changes
            </Button>
          </Group>
        </Stack>
      ) : (
        <Stack>
          <ImportPreview preview={ready.preview} envName={env.name} />
          {isCritical(env) && changesAnything(ready.preview) && (
            <Alert color="orange" title={`${env.name} is a critical environment`}>
              Every SDK reading {env.name} gets these changes as soon as they are imported.
            </Alert>
          )}
          {!changesAnything(ready.preview) && (
            <Alert color="blue" data-testid="flagd-nothing">
              Nothing to import: the file matches {env.name} as it is now.
            </Alert>
          )}
          <ErrorAlert error={apply.error} title={apply.error ? 'The server refused the import; nothing was changed' : undefined} />
          <Group justify="flex-end">
            <Button
              variant="default"
              onClick={() => {
                setReady(null);
                apply.reset();
              }}
            >
              Back
            </Button>
            <Button onClick={() => apply.mutate(ready.doc)} loading={apply.isPending} disabled={!changesAnything(ready.preview)} color={isCritical(env) ? 'orange' : undefined}>
              Import into {env.name}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
