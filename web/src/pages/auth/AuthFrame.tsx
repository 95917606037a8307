import { Center, Paper, Stack, Title } from '@mantine/core';
import type { ReactNode } from 'react';

export function AuthFrame({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Center component="main" mih="100vh" p="md" bg="gray.0">
      <Paper withBorder shadow="sm" p="xl" w={420} maw="100%">
        <Stack>
          <Title order={1} size="h3">
            Switchyard
          </Title>
          <Title order={2} size="h4" fw={500}>
            {title}
          </Title>
          {children}
        </Stack>
      </Paper>
    </Center>
  );
}
