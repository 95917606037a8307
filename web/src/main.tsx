import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './theme.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getToken } from './api/client';
import { App } from './App';
import { loadConfig } from './config';
import { preloadLayout } from './routes';

// Signed in: fetch the frame of the signed-in pages while config.json loads.
if (getToken()) preloadLayout();

void loadConfig().then(() => {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
});
