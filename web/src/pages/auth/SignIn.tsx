import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { signIn } from '../../api/auth';
import { ApiError } from '../../api/client';
import { useSession } from '../../auth/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { AuthFrame } from './AuthFrame';
import { invitationFrom } from './invitation';

/** Only same-site paths are followed after sign-in. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export default function SignIn() {
  const [params] = useSearchParams();
  const { signedIn, ended } = useSession();
  const navigate = useNavigate();
  const next = safeNext(params.get('next'));
  const invited = !!invitationFrom(params);
  // The password was right and the account asks for a code too: the app's, or a recovery code.
  const [needCode, setNeedCode] = useState(false);
  const form = useForm({
    initialValues: { email: '', password: '', code: '' },
    validate: {
      email: (v) => (/^\S+@\S+\.\S+$/.test(v.trim()) ? null : 'Enter your email address'),
      password: (v) => (v ? null : 'Enter your password'),
    },
  });
  const m = useMutation({
    mutationFn: signIn,
    onError: (e) => {
      if (e instanceof ApiError && e.code === 'two_factor_required') setNeedCode(true);
    },
    onSuccess: (s) => {
      signedIn(s.token);
      navigate(next, { replace: true });
    },
  });
  return (
    <AuthFrame title="Sign in">
      {ended && <Alert color="blue">{ended}</Alert>}
      {invited && (
        <Alert color="blue" title="You have an invitation" data-testid="signin-invitation">
          New to Switchyard?{' '}
          <Anchor component={Link} to={`/signup?next=${encodeURIComponent(next)}`}>
            Create an account
          </Anchor>{' '}
          and you join the organization that invited you at once. Already have one? Sign in to accept it.
        </Alert>
      )}
      <form
        onSubmit={form.onSubmit((v) => m.mutate({ email: v.email.trim(), password: v.password, ...(needCode ? { code: v.code.trim() } : {}) }))}
        noValidate
      >
        <Stack>
          <TextInput label="Email" type="email" autoComplete="email" required {...form.getInputProps('email')} />
          <PasswordInput label="Password" autoComplete="current-password" required {...form.getInputProps('password')} />
          <Anchor component={Link} to="/forgot-password" size="sm" w="fit-content">
            Forgot your password?
          </Anchor>
          {needCode && (
            <TextInput
              label="Code from your authenticator app, or a recovery code"
              description="The 6-digit code the app shows now; without your phone, one of your recovery codes (each works once)."
              autoComplete="one-time-code"
              autoCapitalize="none"
              spellCheck={false}
              data-autofocus
              {...form.getInputProps('code')}
            />
          )}
          {!(needCode && m.error instanceof ApiError && m.error.code === 'two_factor_required') && <ErrorAlert error={m.error} />}
          <Button type="submit" loading={m.isPending}>
            Sign in
          </Button>
          <Button component={Link} to="/signin/sso" variant="default">
            Sign in with SSO
          </Button>
        </Stack>
      </form>
      <Text size="sm">
        New here?{' '}
        <Anchor component={Link} to={`/signup${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`}>
          Create an account
        </Anchor>
      </Text>
    </AuthFrame>
  );
}
