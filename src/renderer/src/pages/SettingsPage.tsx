import { Paper, Stack, Table, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Profile } from '../../../api/calls/profile';
import { transportKind, useCall } from '../api';
import { ProfileForm } from '../components/ProfileForm';
import { UnitCatalogueSection } from '../components/UnitCatalogue';
import { SigningKeysSection } from '../keys/SigningKeys';
import { BackupSection } from '../settings/BackupSection';
import { PacksSection } from '../packs/PacksSection';

export function SettingsPage({ profile, onSaved }: { profile: Profile; onSaved(p: Profile): void }) {
  const { t } = useTranslation();
  const info = useCall('app.info', {});
  const i = info.data;
  return (
    <Stack maw={820}>
      <Title order={2}>{t('settings.title')}</Title>
      <Title order={3} size="h4">
        {t('settings.profile')}
      </Title>
      <ProfileForm key={`${profile.unitEdition}:${profile.unitCode}`} initial={profile} onSaved={onSaved} submitLabel={t('settings.saveProfile')} />
      <SigningKeysSection profile={profile} />
      <UnitCatalogueSection />
      <BackupSection />
      <PacksSection />
      <Title order={3} size="h4">
        {t('settings.about')}
      </Title>
      <Paper withBorder p="md" radius="md">
        {i && (
          <Table variant="vertical" layout="fixed" data-testid="app-info">
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w={220}>{t('settings.version')}</Table.Th>
                <Table.Td>
                  {i.productName} {i.version}
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('settings.database')}</Table.Th>
                <Table.Td>{i.schemaVersion}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('settings.units')}</Table.Th>
                <Table.Td>
                  {t('settings.unitsCount', {
                    provinces: i.units.provinces,
                    districts: i.units.districts,
                    communes: i.units.communes,
                    date: i.units.dataDate.split('-').reverse().join('/'),
                  })}
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('settings.transport')}</Table.Th>
                <Table.Td>{transportKind === 'ipc' ? 'Electron IPC' : `HTTP ${window.location.origin}`}</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
        )}
      </Paper>
    </Stack>
  );
}
