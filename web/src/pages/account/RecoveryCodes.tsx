/**
 * Recovery codes: one-time codes that stand in for the authenticator app (signing in, turning
 * two-factor sign-in off, a new set). The API shows a set once, when two-factor sign-in is turned
 * on and when a new set is asked for; a new set replaces every earlier code.
 */
import { Alert, Button, CopyButton, Group, List, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { renewRecoveryCodes, type RecoveryCodes } from '../../api/auth';
import { ApiError } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';

/** A refused code (401: it does not match) said as such, not as a lost session; any other error as usual. */
export function CodeError({ error }: { error: unknown }) {
  return <ErrorAlert error={error} title={error instanceof ApiError && error.status === 401 ? 'The code does not match' : undefined} />;
}

/** The app's 6-digit code or a recovery code (letters, digits and a dash): not restricted to digits. */
export function ProofInput({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  return (
    <TextInput
      label="Code from the app or a recovery code"
      autoComplete="one-time-code"
      autoCapitalize="none"
      spellCheck={false}
      maxLength={64}
      w={240}
      maw="100%"
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
    />
  );
}

/** A set of recovery codes, shown this once: a list to copy, and a button that puts it away. */
export function RecoveryCodesOnce({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  return (
    <Alert color="yellow" title="Your recovery codes: save them now" role="status" data-testid="recovery-codes-once">
      <Stack gap="xs">
        <Text size="sm">
          Each works once; keep them somewhere safe. Type one in place of the app&apos;s code if you lose your phone. They are shown only
          now.
        </Text>
        <List size="sm" ff="monospace" listStyleType="none" data-testid="recovery-codes">
          {codes.map((c) => (
            <List.Item key={c}>{c}</List.Item>
          ))}
        </List>
        <Group gap="xs">
          <CopyButton value={codes.join('\n')}>
            {({ copied, copy }) => (
              <Button size="xs" variant="light" onClick={copy}>
                {copied ? 'Copied' : 'Copy'}
              </Button>
            )}
          </CopyButton>
          <Button size="xs" variant="default" onClick={onDone}>
            I saved them
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}

/** Asks for a code (the app's or a recovery code), then hands over a new set. */
export function NewRecoveryCodes({ onCodes, onCancel }: { onCodes: (r: RecoveryCodes) => void; onCancel: () => void }) {
  const [code, setCode] = useState('');
  const renew = useMutation({ mutationFn: () => renewRecoveryCodes(code.trim()), onSuccess: onCodes });
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (code.trim()) renew.mutate();
      }}
    >
      <Stack gap="xs">
        <Text size="sm">Confirm with a code: a new set replaces your current recovery codes, which stop working.</Text>
        <Group align="end" gap="xs">
          <ProofInput value={code} onChange={setCode} />
          <Button type="submit" disabled={!code.trim()} loading={renew.isPending}>
            Show new codes
          </Button>
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
        </Group>
        <CodeError error={renew.error} />
      </Stack>
    </form>
  );
}
