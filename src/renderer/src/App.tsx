import { Alert, Button, Center, Loader, Stack } from '@mantine/core';
import { Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Profile } from '../../api/calls/profile';
import { useCall } from './api';
import { Shell } from './components/Shell';
import { pick } from './i18n';
import { chartStyles, dropzoneStyles, lazyPage } from './lib/lazyPage';
import { useRoute } from './lib/route';
import { SetupPage } from './pages/SetupPage';

// Every page is loaded when first shown (its code, and the chart/dropzone styles it needs), so the first paint waits
// only for the shell. The setup page stays in the first bundle: it is the first screen of a new installation.
const PackagesPage = lazyPage<{ tab: string | undefined }>(() => import('./packages/PackagesPage'), 'PackagesPage', [dropzoneStyles]);
const AssessmentsPage = lazyPage<{ profile: Profile }>(() => import('./assessment/ListPage'), 'AssessmentsPage');
const DashboardPage = lazyPage<{ profile: Profile }>(() => import('./dashboard/DashboardPage'), 'DashboardPage', [chartStyles]);
const WorkspacePage = lazyPage<{ id: string; view: string | undefined }>(() => import('./assessment/Workspace'), 'WorkspacePage', [
  chartStyles,
  dropzoneStyles,
]);
const SettingsPage = lazyPage<{ profile: Profile; onSaved(p: Profile): void }>(() => import('./pages/SettingsPage'), 'SettingsPage', [
  dropzoneStyles,
]);
const InboxPage = lazyPage<object>(() => import('./reviews/InboxPage'), 'InboxPage');
const ReviewPage = lazyPage<{ id: string; view: string | undefined }>(() => import('./reviews/ReviewPage'), 'ReviewPage', [
  chartStyles,
  dropzoneStyles,
]);

export function App() {
  const { t } = useTranslation();
  const loaded = useCall('profile.get', {});
  const [profile, setProfile] = useState<Profile | null | undefined>(undefined);
  const [route, go, rest] = useRoute();
  useEffect(() => {
    if (loaded.data !== undefined) setProfile(loaded.data);
  }, [loaded.data]);

  if (loaded.error) {
    return (
      <Center h="100vh">
        <Stack>
          <Alert color="red" title={t('common.error')} role="alert">
            {pick(loaded.error.message)}
          </Alert>
          <Button onClick={() => void loaded.reload()}>{t('common.retry')}</Button>
        </Stack>
      </Center>
    );
  }
  if (profile === undefined) {
    return (
      <Center h="100vh">
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }
  if (profile === null) return <SetupPage onSaved={setProfile} />;

  return (
    <Shell profile={profile} route={route} go={go}>
      <Suspense
        fallback={
          <Center py="xl">
            <Loader aria-label={t('common.loading')} />
          </Center>
        }
      >
        {route === 'settings' && <SettingsPage profile={profile} onSaved={setProfile} />}
        {route === 'assessments' && rest[0] && <WorkspacePage key={rest[0]} id={rest[0]} view={rest[1]} />}
        {route === 'assessments' && !rest[0] && (profile.role === 'assessor' ? <InboxPage /> : <AssessmentsPage profile={profile} />)}
        {route === 'reviews' && rest[0] && <ReviewPage key={rest[0]} id={rest[0]} view={rest[1]} />}
        {route === 'packages' && <PackagesPage tab={rest[0]} />}
        {route === 'dashboard' && <DashboardPage profile={profile} />}
      </Suspense>
    </Shell>
  );
}
