/** The flag's variants (project-wide), saved with the version they were loaded at. */
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ApiError } from '../../api/client';
import { flagKeys, updateFlag } from '../../api/flags';
import type { Flag } from '../../api/types';
import { flagChange, proposalTitle } from '../../lib/requests/proposal';
import { ApprovalRequiredAlert } from '../requests/ApprovalRequiredAlert';
import { checkRows, rowsOf, type VariantRow, VariantRows } from './VariantRows';

export function VariantsTab({ project, flag, canEdit }: { project: string; flag: Flag; canEdit: boolean }) {
  const qc = useQueryClient();
  const [base, setBase] = useState(flag);
  const [rows, setRows] = useState<VariantRow[]>(() => rowsOf(flag.type, flag.variants));
  const [tried, setTried] = useState(false);
  const clean = JSON.stringify(rows) === JSON.stringify(rowsOf(base.type, base.variants));

  // Live: another admin's change replaces an untouched form.
  useEffect(() => {
    if (flag.version !== base.version && clean) {
      setBase(flag);
      setRows(rowsOf(flag.type, flag.variants));
    }
  }, [flag, base.version, clean]);

  const check = checkRows(flag.type, rows);
  const save = useMutation({
    mutationFn: () => updateFlag(project, flag.key, { variants: check.variants!, version: base.version }),
    onSuccess: (f) => {
      setBase(f);
      setRows(rowsOf(f.type, f.variants));
      setTried(false);
      qc.setQueryData(flagKeys.flag(project, flag.key), f);
    },
  });
  const stale = flag.version !== base.version && !clean;
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        Variants are shared by every environment. Values are {flag.type}s.
      </Text>
      {stale && (
        <Alert color="orange" title="Changed by someone else">
          Someone saved a new version ({flag.version}) while you were editing. Saving now will be refused; discard your changes to see
          theirs.
        </Alert>
      )}
      <VariantRows type={flag.type} rows={rows} errors={tried ? check.errors : {}} readOnly={!canEdit} onChange={setRows} />
      {tried && check.errors.list && <Text c="red" size="sm">{check.errors.list}</Text>}
      <ApprovalRequiredAlert
        error={save.error}
        propose={() => {
          if (!check.variants) return null;
          const changes = [flagChange(base, { variants: check.variants })];
          return { changes, title: proposalTitle(changes, () => '') };
        }}
      />
      {canEdit && (
        <Group>
          <Button
            disabled={clean}
            loading={save.isPending}
            onClick={() => {
              setTried(true);
              if (check.variants) save.mutate();
            }}
          >
            Save variants
          </Button>
          <Button
            variant="default"
            disabled={clean && flag.version === base.version}
            onClick={() => {
              setBase(flag);
              setRows(rowsOf(flag.type, flag.variants));
              setTried(false);
              save.reset();
            }}
          >
            {save.error instanceof ApiError && save.error.status === 409 ? 'Load the current version' : 'Discard changes'}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
