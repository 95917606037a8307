import { Alert, Anchor, Button, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { Link } from 'react-router';
import { requestPasswordReset } from '../../api/auth';
import { ErrorAlert } from '../../components/ErrorAlert';
import { AuthFrame } from './AuthFrame';

/** Asks for a reset link by mail. The answer is the same whether or not the account exists. */
export default function ForgotPassword() {
  const form = useForm({
    initialValues: { email: '' },
    validate: { email: (v) => (/^\S+@\S+\.\S+$/.test(v.trim()) ? null : 'Enter your email address') },
  });
  const m = useMutation({ mutationFn: (email: string) => requestPasswordReset(email) });
  return (
    <AuthFrame title="Reset your password">
      {m.isSuccess ? (
        <Alert color="green" title="Check your mail" data-testid="reset-sent">
          If an account has this email, a link to set a new password is on its way. It works for an hour, once.
        </Alert>
      ) : (
        <form onSubmit={form.onSubmit((v) => m.mutate(v.email.trim()))} noValidate>
          <Stack>
            <Text size="sm">We mail you a link that sets a new password.</Text>
            <TextInput label="Email" type="email" autoComplete="email" required {...form.getInputProps('email')} />
            <ErrorAlert error={m.error} />
            <Button type="submit" loading={m.isPending}>
              Mail me a link
            </Button>
          </Stack>
        </form>
      )}
      <Text size="sm">
        <Anchor component={Link} to="/signin">
          Back to sign in
        </Anchor>
      </Text>
    </AuthFrame>
  );
}
