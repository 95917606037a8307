/**
 * A flag's state in one environment: on/off, default variant, prerequisites and targeting, edited
 * as a draft and saved with the version it started from. Another admin's change appears live while the draft is
 * untouched; once it is touched, a stale save is refused (409) and the current version is shown.
 */
import { Alert, Badge, Button, Group, Paper, Select, Stack, Switch, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../../api/client';
import { flagKeys, putFlagState } from '../../api/flags';
import type { Environment, Flag, FlagState, Json, Prerequisite } from '../../api/types';
import { deepEqual } from '../../lib/json';
import type { Targeting } from '../../lib/targeting/model';
import { parseTargeting } from '../../lib/targeting/parse';
import { targetingToJson } from '../../lib/targeting/serialize';
import { validateTargeting } from '../../lib/targeting/validate';
import { fieldError } from '../../lib/errors';
import { apiPrerequisiteProblems, validatePrerequisites } from '../../lib/prerequisites/validate';
import { stateChange, stateTitle } from '../../lib/requests/proposal';
import { policyText } from '../../lib/requests/status';
import { PrerequisitesEditor } from '../prerequisites/PrerequisitesEditor';
import { ApprovalRequiredAlert } from '../requests/ApprovalRequiredAlert';
import { ApprovalBadge } from '../requests/Badges';
import { ProposeModal } from '../requests/ProposeModal';
import { CRITICAL_COLOR, isCritical } from '../../lib/critical';
import { ToggleConfirm } from '../safety/ToggleConfirm';
import { TargetingEditor } from '../targeting/TargetingEditor';

interface Draft {
  enabled: boolean;
  defaultVariant: string | null;
  targeting: Targeting;
  prerequisites: Prerequisite[];
}

const draftOf = (s: FlagState): Draft => ({
  enabled: s.enabled,
  defaultVariant: s.defaultVariant ?? null,
  targeting: parseTargeting(s.targeting as Json | undefined),
  prerequisites: s.prerequisites ?? [],
});

function same(a: Draft, b: Draft): boolean {
  return (
    a.enabled === b.enabled &&
    a.defaultVariant === b.defaultVariant &&
    deepEqual(a.prerequisites, b.prerequisites) &&
    deepEqual(targetingToJson(a.targeting), targetingToJson(b.targeting))
  );
}

interface Props {
  project: string;
  env: Environment;
  flag: Flag;
  state: FlagState;
  segments: string[];
  /** The project's flags, for prerequisites (none while they load). */
  flags?: Flag[];
  canEdit: boolean;
}

export function StateEditor({ project, env, flag, state, segments, flags = [], canEdit }: Props) {
  const qc = useQueryClient();
  const [base, setBase] = useState<FlagState>(state);
  const [draft, setDraft] = useState<Draft>(() => draftOf(state));
  const [jsonOk, setJsonOk] = useState(true);
  const [tried, setTried] = useState(false);
  const [proposing, setProposing] = useState<'propose' | 'schedule' | null>(null);
  const policy = env.approval ?? null;
  // Turning a flag on or off in a critical environment asks first (an approval policy asks already).
  const critical = !policy && isCritical(env);
  const [confirming, setConfirming] = useState(false);
  const dirty = !same(draft, draftOf(base));
  const variants = flag.variants.map((v) => v.name);

  // Live: an untouched draft follows the server.
  useEffect(() => {
    if (state.version !== base.version && !dirty) {
      setBase(state);
      setDraft(draftOf(state));
    }
  }, [state, base.version, dirty]);

  const save = useMutation({
    mutationFn: () =>
      putFlagState(project, env.id, flag.key, {
        enabled: draft.enabled,
        defaultVariant: draft.defaultVariant,
        targeting: targetingToJson(draft.targeting),
        prerequisites: draft.prerequisites,
        version: base.version,
      }),
    onSuccess: (s) => {
      setBase(s);
      setDraft(draftOf(s));
      setTried(false);
      qc.setQueryData(flagKeys.state(project, env.id, flag.key), s);
      void qc.invalidateQueries({ queryKey: flagKeys.flagd(project, env.id) });
      notifications.show({ message: `Saved ${flag.key} in ${env.name} (version ${s.version})`, color: 'green' });
    },
  });

  const discard = () => {
    setBase(state);
    setDraft(draftOf(state));
    setTried(false);
    save.reset();
  };

  const builderProblems = validateTargeting(draft.targeting, variants, segments);
  // Flags not read yet cannot be checked here; the API checks them.
  const localPrereqProblems = flags.length ? validatePrerequisites(draft.prerequisites, flags, flag.key) : {};
  const prereqProblems = { ...apiPrerequisiteProblems(save.error), ...(tried ? localPrereqProblems : {}) };
  const edit = { enabled: draft.enabled, defaultVariant: draft.defaultVariant, targeting: targetingToJson(draft.targeting), prerequisites: draft.prerequisites };
  // The draft as a change request, made on the version it started from.
  const proposal = () => ({ changes: [stateChange(env.id, flag.key, base.version, edit)], title: stateTitle(flag.key, env.name, base.enabled, edit) });
  /** Checks the draft as a save would, then runs `then`. */
  const checked = (then: () => void) => () => {
    setTried(true);
    if (builderProblems.length === 0 && Object.keys(localPrereqProblems).length === 0) then();
  };
  const onValidity = useCallback((ok: boolean) => setJsonOk(ok), []);
  const staleDraft = dirty && state.version !== base.version;
  const conflict = save.error instanceof ApiError && save.error.status === 409;

  return (
    <Stack>
      {staleDraft && (
        <Alert color="orange" title="Changed by someone else" data-testid="stale-warning">
          This flag was changed in {env.name} while you were editing (now version {state.version}, you started from version{' '}
          {base.version}). Your save would be refused: discard your changes to see theirs, then make yours again.
        </Alert>
      )}
      <Paper withBorder p="md">
        <Group justify="space-between" wrap="wrap">
          <Group>
            <Switch
              size="md"
              label={draft.enabled ? `On in ${env.name}` : `Off in ${env.name}`}
              aria-label={`Enabled in ${env.name}`}
              checked={draft.enabled}
              color={isCritical(env) ? CRITICAL_COLOR : undefined}
              disabled={!canEdit}
              onChange={(e) => setDraft({ ...draft, enabled: e.currentTarget.checked })}
            />
            <Select
              label="Default variant"
              description="Served when no rule matches"
              w={200}
              data={variants}
              value={draft.defaultVariant}
              clearable
              placeholder="The caller's code default"
              disabled={!canEdit}
              error={fieldError(save.error, 'defaultVariant')}
              onChange={(v) => setDraft({ ...draft, defaultVariant: v })}
            />
          </Group>
          <Group gap="xs">
            {policy && <ApprovalBadge policy={policy} />}
            {isCritical(env) && (
              <Badge color={CRITICAL_COLOR} variant="light" data-testid="critical-badge">
                {env.name} is critical
              </Badge>
            )}
            <Badge variant="light" data-testid="state-version">
              version {base.version}
            </Badge>
            {dirty && <Badge color="yellow">unsaved changes</Badge>}
          </Group>
        </Group>
        {!draft.enabled && (
          <Text size="sm" c="dimmed" mt="xs">
            While off, SDKs get their code default and the rules below are not used.
          </Text>
        )}
      </Paper>
      <PrerequisitesEditor
        value={draft.prerequisites}
        onChange={(prerequisites) => setDraft({ ...draft, prerequisites })}
        flags={flags}
        self={flag.key}
        defaultVariant={draft.defaultVariant}
        readOnly={!canEdit}
        problems={prereqProblems}
      />
      <TargetingEditor
        value={draft.targeting}
        onChange={(targeting) => setDraft({ ...draft, targeting })}
        variants={variants}
        segments={segments}
        readOnly={!canEdit}
        apiError={save.error}
        onValidityChange={onValidity}
      />
      <ApprovalRequiredAlert error={save.error} propose={proposal} />
      {tried && (builderProblems.length > 0 || Object.keys(localPrereqProblems).length > 0) && (
        <Text c="red" size="sm" role="alert">
          Fix the problems marked above before saving.
        </Text>
      )}
      {canEdit && (
        <Group>
          {policy ? (
            <Button disabled={!dirty || !jsonOk} onClick={checked(() => setProposing('propose'))}>
              Propose change…
            </Button>
          ) : (
            <>
              <Button disabled={!dirty || !jsonOk} loading={save.isPending} onClick={checked(() => (critical && draft.enabled !== base.enabled ? setConfirming(true) : save.mutate()))}>
                Save {env.name}
              </Button>
              <Button variant="light" disabled={!dirty || !jsonOk} onClick={checked(() => setProposing('schedule'))}>
                Schedule…
              </Button>
            </>
          )}
          <Button variant="default" disabled={!dirty && !conflict && state.version === base.version} onClick={discard}>
            {conflict ? 'Load the current version (drops my changes)' : 'Discard changes'}
          </Button>
        </Group>
      )}
      {policy && canEdit && (
        <Text size="xs" c="dimmed">
          {env.name} requires approval: your change is proposed as a change request and applies once approved ({policyText(policy).toLowerCase()}).
        </Text>
      )}
      <ToggleConfirm
        project={project}
        toggle={confirming ? { env, flag: flag.key, on: draft.enabled, targeting: targetingToJson(draft.targeting) } : null}
        onClose={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          save.mutate();
        }}
      />
      <ProposeModal
        opened={proposing !== null}
        onClose={() => setProposing(null)}
        scheduleRequired={proposing === 'schedule'}
        changes={proposal().changes}
        defaultTitle={proposal().title}
        note={
          policy && (
            <Text size="sm" c="dimmed">
              {env.name}: {policyText(policy).toLowerCase()}, never from you. Once approved it is applied by hand, or by itself at the time given.
            </Text>
          )
        }
        onCreated={discard}
      />
    </Stack>
  );
}
