import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { BrowserRouter } from 'react-router';
import { ApiError } from './api/client';
import { SessionProvider } from './auth/session';
import { AppRoutes } from './routes';
import { cssVariablesResolver, theme } from './theme';

function makeClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx will not fix itself; anything else gets one more try.
        retry: (n, e) => !(e instanceof ApiError && e.status >= 400 && e.status < 500) && n < 1,
        staleTime: 1000,
      },
    },
  });
}

export function App() {
  const [client] = useState(makeClient);
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
      <Notifications position="top-right" />
      <QueryClientProvider client={client}>
        <BrowserRouter>
          <SessionProvider>
            <AppRoutes />
          </SessionProvider>
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  );
}
