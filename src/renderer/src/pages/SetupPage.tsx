import { Container, Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Profile } from '../../../api/calls/profile';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { ProfileForm } from '../components/ProfileForm';

export function SetupPage({ onSaved }: { onSaved(p: Profile): void }) {
  const { t } = useTranslation();
  return (
    <Container size="sm" py="xl">
      <Stack gap="lg">
        <Group justify="space-between" align="flex-start">
          <Stack gap={4}>
            <Title order={1}>{t('app.title')}</Title>
            <Text c="dimmed">{t('app.subtitle')}</Text>
          </Stack>
          <LanguageSwitch />
        </Group>
        <Stack gap={4}>
          <Title order={2} size="h3">
            {t('setup.title')}
          </Title>
          <Text>{t('setup.intro')}</Text>
        </Stack>
        <ProfileForm initial={null} onSaved={onSaved} submitLabel={t('setup.save')} />
      </Stack>
    </Container>
  );
}
