import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { MantineProvider, createTheme } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { api } from './api';
import { App } from './App';
import { initI18n, type Lang } from './i18n';

const theme = createTheme({
  primaryColor: 'teal',
  fontFamily: '"Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", "Helvetica Neue", Arial, sans-serif',
  defaultRadius: 'md',
});

async function start() {
  // The language comes from the settings, so the first paint is already in the user's language.
  let lang: Lang = 'vi';
  try {
    lang = (await api.call('settings.get', {})).language;
  } catch {
    // The app's error screen explains a failing core; the language falls back to Vietnamese.
  }
  initI18n(lang);
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <MantineProvider theme={theme}>
        <Notifications position="top-right" />
        <App />
      </MantineProvider>
    </StrictMode>,
  );
}

void start();
