import { Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { signUp } from '../../api/auth';
import { useSession } from '../../auth/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fieldError } from '../../lib/errors';
import { orgPath } from '../../scope';
import { AuthFrame } from './AuthFrame';
import { safeNext } from './SignIn';

export default function SignUp() {
  const [params] = useSearchParams();
  const { signedIn } = useSession();
  const navigate = useNavigate();
  const form = useForm({
    initialValues: { name: '', email: '', password: '', organization: '' },
    validate: {
      name: (v) => (v.trim() ? null : 'Enter your name'),
      email: (v) => (/^\S+@\S+\.\S+$/.test(v.trim()) ? null : 'Enter a valid email address'),
      password: (v) => (v.length >= 10 ? null : 'Use at least 10 characters'),
      organization: (v) => (v.trim() ? null : 'Name your organization (you can rename it later)'),
    },
  });
  const m = useMutation({
    mutationFn: signUp,
    onSuccess: (s) => {
      signedIn(s.token);
      const next = params.get('next');
      navigate(next ? safeNext(next) : s.organization ? `${orgPath(s.organization.id)}/projects` : '/', { replace: true });
    },
  });
  const err = (f: string) => form.errors[f] ?? fieldError(m.error, f);
  return (
    <AuthFrame title="Create your account">
      <form
        noValidate
        onSubmit={form.onSubmit((v) =>
          m.mutate({ name: v.name.trim(), email: v.email.trim(), password: v.password, organization: v.organization.trim() }),
        )}
      >
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
          <TextInput label="Organization" required {...form.getInputProps('organization')} error={err('organization')} />
          <ErrorAlert error={m.error} />
          <Button type="submit" loading={m.isPending}>
            Create account
          </Button>
        </Stack>
      </form>
      <Text size="sm">
        Already have an account?{' '}
        <Anchor component={Link} to={`/signin${params.get('next') ? `?next=${encodeURIComponent(params.get('next')!)}` : ''}`}>
          Sign in
        </Anchor>
      </Text>
    </AuthFrame>
  );
}
