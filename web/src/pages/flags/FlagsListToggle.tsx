/**
 * A switch of the flags list, flipped safely: one click where nothing is at stake; a confirmation
 * naming the blast radius in a critical environment; a change request where the environment
 * requires approval. A flip is a `PATCH` of `enabled` made on the version shown, settles the
 * switch at once, and offers "Undo" (the flip back, made on the new version).
 */
import { Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { flagKeys, type FlagStateView, patchFlagState } from '../../api/flags';
import type { Environment, FlagState, Json } from '../../api/types';
import { ApprovalRequiredAlert } from '../../components/requests/ApprovalRequiredAlert';
import { ProposeModal } from '../../components/requests/ProposeModal';
import { isCritical } from '../../lib/critical';
import { ToggleConfirm } from '../../components/safety/ToggleConfirm';
import { notifyWithUndo } from '../../components/safety/undo';
import { stateChange, stateTitle } from '../../lib/requests/proposal';
import { markOwnWrite } from '../../live/own';

/** A switch clicked: the flag's state in that environment as the list shows it. */
export interface Flip {
  env: Environment;
  state: FlagStateView;
}

interface Patch extends Flip {
  enabled: boolean;
  version: number;
  /** This is the flip back of an "Undo". */
  undo?: boolean;
}

/** The flip as a change request's change and title, everything but `enabled` as stored. */
function flipProposal({ env, state }: Flip) {
  const edit = {
    enabled: !state.enabled,
    defaultVariant: state.defaultVariant ?? null,
    targeting: (state.targeting ?? null) as Json | null,
    prerequisites: state.prerequisites ?? [],
  };
  return { changes: [stateChange(env.id, state.flagKey, state.version, edit)], title: stateTitle(state.flagKey, env.name, state.enabled, edit) };
}

export function useListToggle(project: string, me: string | null) {
  const qc = useQueryClient();
  const [proposing, setProposing] = useState<Flip | null>(null);
  const [confirming, setConfirming] = useState<Flip | null>(null);

  /** The list shows the new state at once, with who made it. */
  const settle = (envId: string, s: FlagState) =>
    qc.setQueryData<FlagStateView[]>(flagKeys.states(project, envId), (old) =>
      old?.map((x) => (x.flagKey === s.flagKey ? { ...x, ...s, updatedByName: me ?? x.updatedByName ?? null } : x)),
    );

  const patch = useMutation({
    mutationFn: (v: Patch) => {
      markOwnWrite(v.env.id, v.state.flagKey);
      return patchFlagState(project, v.env.id, v.state.flagKey, { enabled: v.enabled, version: v.version });
    },
    onSuccess: (s, v) => {
      settle(v.env.id, s);
      const what = `${s.enabled ? 'Turned on' : 'Turned off'} ${s.flagKey} in ${v.env.name}`;
      if (v.undo) notifications.show({ color: 'gray', message: `Undone: ${s.flagKey} is ${s.enabled ? 'on' : 'off'} again in ${v.env.name}` });
      else notifyWithUndo({ message: what, onUndo: () => patch.mutate({ env: v.env, state: { ...v.state, ...s }, enabled: !s.enabled, version: s.version, undo: true }) });
    },
    onError: (e) => {
      // A stale version: show what is stored now.
      if (e instanceof ApiError && e.status === 409) void qc.invalidateQueries({ queryKey: ['projects', project, 'env'] });
    },
    onSettled: (_s, _e, v) => {
      void qc.invalidateQueries({ queryKey: flagKeys.state(project, v.env.id, v.state.flagKey) });
      void qc.invalidateQueries({ queryKey: flagKeys.flagd(project, v.env.id) });
    },
  });

  const flip = (f: Flip) => patch.mutate({ ...f, enabled: !f.state.enabled, version: f.state.version });

  /** A click on a switch. */
  const request = (f: Flip) => {
    if (f.env.approval) setProposing(f);
    else if (isCritical(f.env)) setConfirming(f);
    else flip(f);
  };

  const pending = (envId: string, flag: string) => patch.isPending && patch.variables?.env.id === envId && patch.variables.state.flagKey === flag;
  const proposal = proposing ? flipProposal(proposing) : null;
  const failed = patch.error ? patch.variables : undefined;

  const ui = (
    <>
      {patch.error && failed && (
        <ApprovalRequiredAlert
          error={patch.error}
          title={`Could not switch ${failed.state.flagKey} in ${failed.env.name}`}
          propose={() => flipProposal({ env: failed.env, state: { ...failed.state, enabled: !failed.enabled } })}
        />
      )}
      <ToggleConfirm
        project={project}
        toggle={confirming && { env: confirming.env, flag: confirming.state.flagKey, on: !confirming.state.enabled, targeting: confirming.state.targeting }}
        onClose={() => setConfirming(null)}
        onConfirm={() => {
          if (confirming) flip(confirming);
          setConfirming(null);
        }}
      />
      <ProposeModal
        opened={!!proposing}
        onClose={() => setProposing(null)}
        changes={proposal?.changes ?? []}
        defaultTitle={proposal?.title ?? ''}
        note={proposing && <Text size="sm">{proposing.env.name} requires approval: the switch changes once the request is approved and applied.</Text>}
      />
    </>
  );
  return { request, pending, ui };
}
