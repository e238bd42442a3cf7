import { Alert, Button, Center, Loader, Stack } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Profile } from '../../api/calls/profile';
import { useCall } from './api';
import { Shell } from './components/Shell';
import { pick } from './i18n';
import { useRoute } from './lib/route';
import { PackagesPage } from './packages/PackagesPage';
import { AssessmentsPage } from './assessment/ListPage';
import { DashboardPage } from './dashboard/DashboardPage';
import { WorkspacePage } from './assessment/Workspace';
import { SettingsPage } from './pages/SettingsPage';
import { SetupPage } from './pages/SetupPage';
import { InboxPage } from './reviews/InboxPage';
import { ReviewPage } from './reviews/ReviewPage';

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
      {route === 'settings' && <SettingsPage profile={profile} onSaved={setProfile} />}
      {route === 'assessments' && rest[0] && <WorkspacePage key={rest[0]} id={rest[0]} view={rest[1]} />}
      {route === 'assessments' && !rest[0] && (profile.role === 'assessor' ? <InboxPage /> : <AssessmentsPage profile={profile} />)}
      {route === 'reviews' && rest[0] && <ReviewPage key={rest[0]} id={rest[0]} view={rest[1]} />}
      {route === 'packages' && <PackagesPage tab={rest[0]} />}
      {route === 'dashboard' && <DashboardPage profile={profile} />}
    </Shell>
  );
}
