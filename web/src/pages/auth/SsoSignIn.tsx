import { Anchor, Button, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { Link } from 'react-router';
import { startSso } from '../../api/sso';
import { ErrorAlert } from '../../components/ErrorAlert';
import { AuthFrame } from './AuthFrame';

/** Sign in with SSO: the email's domain names the organization, whose identity provider signs you in. */
export default function SsoSignIn() {
  const form = useForm({
    initialValues: { email: '' },
    validate: { email: (v) => (/^\S+@\S+\.\S+$/.test(v.trim()) ? null : 'Enter your work email address') },
  });
  const m = useMutation({
    mutationFn: (email: string) => startSso(email),
    onSuccess: ({ authorizationUrl }) => window.location.assign(authorizationUrl),
  });
  return (
    <AuthFrame title="Sign in with SSO">
      <form onSubmit={form.onSubmit((v) => m.mutate(v.email.trim()))} noValidate>
        <Stack>
          <Text size="sm">Your organization’s identity provider signs you in. New here? Your account is made as you sign in.</Text>
          <TextInput label="Work email" type="email" autoComplete="email" required data-autofocus {...form.getInputProps('email')} />
          <ErrorAlert error={m.error} />
          <Button type="submit" loading={m.isPending || m.isSuccess}>
            Continue
          </Button>
        </Stack>
      </form>
      <Text size="sm">
        <Anchor component={Link} to="/signin">
          Sign in with a password instead
        </Anchor>
      </Text>
    </AuthFrame>
  );
}
