/**
 * Two-factor sign-in: set up an authenticator app (the secret to type in, or the otpauth link a
 * phone opens), confirm it with a first code, and keep the recovery codes that answer; later, a new
 * set of recovery codes, or turning it off, each with a code from the app or a recovery code.
 */
import { Alert, Anchor, Button, Code, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { disableTwoFactor, enableTwoFactor, setUpTwoFactor, useMe } from '../../api/auth';
import { ErrorAlert } from '../../components/ErrorAlert';
import { describeError, orgRequiringTwoFactor } from '../../lib/errors';
import { orgPath } from '../../scope';
import { CodeError, NewRecoveryCodes, ProofInput, RecoveryCodesOnce } from './RecoveryCodes';

/** The app's code while setting it up: it has no recovery codes yet, so 6 digits only. */
function CodeInput({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  return (
    <TextInput
      label="Code from the app"
      inputMode="numeric"
      autoComplete="one-time-code"
      maxLength={6}
      w={160}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value.replace(/\D/g, ''))}
    />
  );
}

/** Turning off refused: an organization where this user is an owner or admin requires it (409). */
function DisableError({ error }: { error: unknown }) {
  const org = orgRequiringTwoFactor(error);
  if (!org) return <CodeError error={error} />;
  return (
    <Alert color="orange" title="An organization requires two-factor sign-in" role="alert" variant="light" data-testid="two-factor-kept">
      <Text size="sm">{describeError(error).message}</Text>
      <Text size="sm">
        It stays on while you are an owner or admin there. An owner can stop requiring it in the{' '}
        <Anchor component={Link} to={`${orgPath(org)}/settings`}>
          organization&apos;s settings
        </Anchor>
        .
      </Text>
    </Alert>
  );
}

const codesLeft = (n: number) => (n === 1 ? '1 recovery code left' : `${n} recovery codes left`);

export function TwoFactor() {
  const me = useMe();
  const qc = useQueryClient();
  const [code, setCode] = useState('');
  // A set of recovery codes the API just showed, until the user says they are saved.
  const [codes, setCodes] = useState<string[] | null>(null);
  const [renewing, setRenewing] = useState(false);
  const refreshMe = () => void qc.invalidateQueries({ queryKey: ['me'] });
  const done = () => {
    setCode('');
    refreshMe();
  };
  const setup = useMutation({ mutationFn: setUpTwoFactor });
  const enable = useMutation({
    mutationFn: () => enableTwoFactor(code),
    onSuccess: (r) => {
      setCodes(r.recoveryCodes);
      done();
    },
  });
  const disable = useMutation({ mutationFn: () => disableTwoFactor(code.trim()), onSuccess: done });
  const user = me.data?.user;

  // Sent here to turn it on (an organization requires it): bring the panel into view.
  const { hash } = useLocation();
  const panel = useRef<HTMLDivElement>(null);
  const shown = !!user;
  useEffect(() => {
    if (shown && hash === '#two-factor') panel.current?.scrollIntoView({ block: 'start' });
  }, [shown, hash]);

  if (!user) return null;
  const left = user.recoveryCodesLeft;
  return (
    <Paper withBorder p="md" data-testid="two-factor" id="two-factor" ref={panel}>
      <Stack>
        <Title order={3} size="h4">
          Two-factor sign-in
        </Title>
        {enable.isSuccess && <Alert color="green">Two-factor sign-in is on.</Alert>}
        {codes ? (
          <RecoveryCodesOnce codes={codes} onDone={() => setCodes(null)} />
        ) : user.twoFactor ? (
          <>
            <Text size="sm">On: signing in asks for the code from your authenticator app, or one of your recovery codes.</Text>
            {typeof left === 'number' && (
              <Text size="sm" c={left <= 2 ? 'orange' : undefined} data-testid="recovery-codes-left">
                {codesLeft(left)}
                {left <= 2 && ': make a new set, so that you can still sign in without your phone.'}
              </Text>
            )}
            {renewing ? (
              <NewRecoveryCodes
                onCodes={(r) => {
                  setRenewing(false);
                  setCodes(r.recoveryCodes);
                  refreshMe();
                }}
                onCancel={() => setRenewing(false)}
              />
            ) : (
              <>
                <Button variant="light" w="fit-content" onClick={() => setRenewing(true)}>
                  New recovery codes
                </Button>
                <form
                  noValidate
                  onSubmit={(e) => {
                    e.preventDefault();
                    if (code.trim()) disable.mutate();
                  }}
                >
                  <Group align="end">
                    <ProofInput value={code} onChange={setCode} />
                    <Button type="submit" color="red" variant="light" disabled={!code.trim()} loading={disable.isPending}>
                      Turn off
                    </Button>
                  </Group>
                </form>
                <DisableError error={disable.error} />
              </>
            )}
          </>
        ) : setup.data ? (
          <>
            <Text size="sm">
              Add this account to your authenticator app: type in the secret, or{' '}
              <Anchor href={setup.data.otpauthUrl}>open the setup link</Anchor> on your phone. Then enter the code it shows.
            </Text>
            <Code block data-testid="two-factor-secret">
              {setup.data.secret}
            </Code>
            <Group align="end">
              <CodeInput value={code} onChange={setCode} />
              <Button disabled={code.length !== 6} loading={enable.isPending} onClick={() => enable.mutate()}>
                Turn on
              </Button>
            </Group>
            <CodeError error={enable.error} />
          </>
        ) : (
          <>
            <Text size="sm">Off. With it on, signing in asks for a code from an authenticator app as well as the password.</Text>
            <Button variant="light" w="fit-content" loading={setup.isPending} onClick={() => setup.mutate()}>
              Set up an authenticator app
            </Button>
            <ErrorAlert error={setup.error} />
          </>
        )}
      </Stack>
    </Paper>
  );
}
