import { Anchor, Button, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { acceptInvitation, signOut, useMe } from '../../api/auth';
import { useSession } from '../../auth/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { orgPath } from '../../scope';
import { AuthFrame } from './AuthFrame';

export default function AcceptInvitation() {
  const [params] = useSearchParams();
  const [token, setToken] = useState(params.get('token') ?? '');
  const [touched, setTouched] = useState(false);
  const me = useMe();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { signedOut } = useSession();
  const m = useMutation({
    mutationFn: () => acceptInvitation(token.trim()),
    onSuccess: async (membership) => {
      await qc.invalidateQueries({ queryKey: ['me'] });
      navigate(orgPath(membership.orgId), { replace: true });
    },
  });
  /** The invitation is for someone without an account here: sign out, and sign up with it. */
  async function signUpInstead() {
    try {
      await signOut();
    } catch {
      // the session is dropped here either way
    }
    signedOut();
    navigate(`/signup?invitation=${encodeURIComponent(token.trim())}`);
  }
  const missing = touched && !token.trim() ? 'Paste the invitation code you received' : undefined;
  return (
    <AuthFrame title="Join an organization">
      <Text size="sm">
        Signed in as <b>{me.data?.user?.email}</b>. The invitation must be for this email address.
      </Text>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setTouched(true);
          if (token.trim()) m.mutate();
        }}
      >
        <Stack>
          <TextInput label="Invitation code" value={token} onChange={(e) => setToken(e.currentTarget.value)} error={missing} />
          <ErrorAlert error={m.error} />
          <Button type="submit" loading={m.isPending}>
            Accept invitation
          </Button>
        </Stack>
      </form>
      {token.trim() && (
        <Text size="sm">
          Invited with another email address, and no account for it yet?{' '}
          <Anchor component="button" type="button" size="sm" onClick={signUpInstead}>
            Sign out and create that account
          </Anchor>
        </Text>
      )}
    </AuthFrame>
  );
}
