import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { signUp, type SignUpBody } from '../../api/auth';
import { ApiError } from '../../api/client';
import { useSession } from '../../auth/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fieldError } from '../../lib/errors';
import { orgPath } from '../../scope';
import { AuthFrame } from './AuthFrame';
import { invitationFrom } from './invitation';
import { safeNext } from './SignIn';

/**
 * Creating an account: with a new organization, or, arriving with an invitation (its link or
 * `?invitation=`), straight into the organization that sent it, with the role it gives.
 */
export default function SignUp() {
  const [params] = useSearchParams();
  const { signedIn } = useSession();
  const navigate = useNavigate();
  const [invitation, setInvitation] = useState(() => invitationFrom(params));
  const form = useForm({
    initialValues: { name: '', email: '', password: '', organization: '' },
    validate: {
      name: (v) => (v.trim() ? null : 'Enter your name'),
      email: (v) => (/^\S+@\S+\.\S+$/.test(v.trim()) ? null : 'Enter a valid email address'),
      password: (v) => (v.length >= 10 ? null : 'Use at least 10 characters'),
      organization: (v) => (invitation || v.trim() ? null : 'Name your organization (you can rename it later)'),
    },
  });
  const m = useMutation({
    mutationFn: signUp,
    onSuccess: (s) => {
      signedIn(s.token);
      const next = params.get('next');
      // Joined by invitation: the invitation is used, so its accept page is not where to go.
      const follow = next && !(invitation && next.startsWith('/invitations/accept'));
      navigate(follow ? safeNext(next) : s.organization ? `${orgPath(s.organization.id)}/projects` : '/', { replace: true });
    },
  });
  const err = (f: string) => form.errors[f] ?? fieldError(m.error, f);
  const submit = (v: typeof form.values) => {
    const base = { name: v.name.trim(), email: v.email.trim(), password: v.password };
    const body: SignUpBody = invitation ? { ...base, invitation } : { ...base, organization: v.organization.trim() };
    m.mutate(body);
  };
  return (
    <AuthFrame title={invitation ? 'Join your team' : 'Create your account'}>
      {invitation && (
        <Alert color="blue" data-testid="signup-invitation">
          You were invited: your account joins the organization that invited you, with the role it gave you. Use the email address the
          invitation was sent to.
        </Alert>
      )}
      <form noValidate onSubmit={form.onSubmit(submit)}>
        <Stack>
          <TextInput label="Your name" autoComplete="name" required {...form.getInputProps('name')} error={err('name')} />
          <TextInput label="Email" type="email" autoComplete="email" required {...form.getInputProps('email')} error={err('email')} />
          <PasswordInput
            label="Password"
            description="At least 10 characters"
            autoComplete="new-password"
            required
            {...form.getInputProps('password')}
            error={err('password')}
          />
          {!invitation && <TextInput label="Organization" required {...form.getInputProps('organization')} error={err('organization')} />}
          {invitation && m.error instanceof ApiError && (m.error.status === 404 || m.error.status === 410) ? (
            <Alert color="red" role="alert" title="This invitation cannot be used">
              It was revoked, has been used or has expired. Ask whoever invited you for a new link, or create a new organization instead.
            </Alert>
          ) : (
            <ErrorAlert error={m.error} />
          )}
          <Button type="submit" loading={m.isPending}>
            {invitation ? 'Create account and join' : 'Create account'}
          </Button>
        </Stack>
      </form>
      {invitation && (
        <Text size="sm">
          Starting an organization of your own instead?{' '}
          <Anchor component="button" type="button" size="sm" onClick={() => setInvitation(null)}>
            Create a new organization
          </Anchor>
        </Text>
      )}
      <Text size="sm">
        Already have an account?{' '}
        <Anchor component={Link} to={`/signin${params.get('next') ? `?next=${encodeURIComponent(params.get('next')!)}` : ''}`}>
          Sign in
        </Anchor>
      </Text>
    </AuthFrame>
  );
}
