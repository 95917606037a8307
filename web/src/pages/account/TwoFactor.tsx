/**
 * Two-factor sign-in: set up an authenticator app (the secret to type in, or the otpauth link a
 * phone opens), confirm it with a first code; turn it off with a code.
 */
import { Alert, Anchor, Button, Code, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { disableTwoFactor, enableTwoFactor, setUpTwoFactor, useMe } from '../../api/auth';
import { ErrorAlert } from '../../components/ErrorAlert';

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

export function TwoFactor() {
  const me = useMe();
  const qc = useQueryClient();
  const [code, setCode] = useState('');
  const done = () => {
    setCode('');
    void qc.invalidateQueries({ queryKey: ['me'] });
  };
  const setup = useMutation({ mutationFn: setUpTwoFactor });
  const enable = useMutation({ mutationFn: () => enableTwoFactor(code), onSuccess: done });
  const disable = useMutation({ mutationFn: () => disableTwoFactor(code), onSuccess: done });
  const user = me.data?.user;
  if (!user) return null;
  return (
    <Paper withBorder p="md" data-testid="two-factor">
      <Stack>
        <Title order={3} size="h4">
          Two-factor sign-in
        </Title>
        {user.twoFactor ? (
          <>
            <Text size="sm">On: signing in asks for the code from your authenticator app.</Text>
            <Group align="end">
              <CodeInput value={code} onChange={setCode} />
              <Button color="red" variant="light" disabled={code.length !== 6} loading={disable.isPending} onClick={() => disable.mutate()}>
                Turn off
              </Button>
            </Group>
            <ErrorAlert error={disable.error} />
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
            <ErrorAlert error={enable.error} />
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
        {enable.isSuccess && <Alert color="green">Two-factor sign-in is on.</Alert>}
      </Stack>
    </Paper>
  );
}
