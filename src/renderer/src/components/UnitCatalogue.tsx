import { Alert, Button, FileInput, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorOf, useCall } from '../api';
import { stageFile } from '../files';
import { pick } from '../i18n';

const dateVi = (d: string) => d.split('-').reverse().join('/');

/**
 * Settings: the catalogue edition in use and the others known here; a newer edition (with the mapping from the edition
 * before) is loaded from files staged like any upload, checked by the core before anything is written.
 */
export function UnitCatalogueSection() {
  const { t } = useTranslation();
  const editions = useCall('units.editions', {});
  const [file, setFile] = useState<File | null>(null);
  const [mapping, setMapping] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const current = editions.data?.items.find((e) => e.current);

  async function load() {
    if (!file) return;
    setBusy(true);
    setMessage(null);
    try {
      const staged = await stageFile(file);
      const stagedMapping = mapping ? await stageFile(mapping) : null;
      const r = await api.call('units.load', { stagedId: staged.stagedId, ...(stagedMapping ? { mappingStagedId: stagedMapping.stagedId } : {}) });
      setMessage({ ok: true, text: r.added ? t('units.loaded', { date: dateVi(r.edition.dataDate), communes: r.edition.counts.communes }) : t('units.already', { date: dateVi(r.edition.dataDate) }) });
      setFile(null);
      setMapping(null);
      void editions.reload();
    } catch (e) {
      setMessage({ ok: false, text: pick(errorOf(e).message) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack gap="sm" data-testid="unit-catalogue">
      <Title order={3} size="h4">
        {t('units.catalogue')}
      </Title>
      <Paper withBorder p="md" radius="md">
        <Stack gap="xs">
          {current && (
            <Text size="sm" data-testid="edition-in-use">
              {t('units.catalogueInUse', { date: dateVi(current.dataDate), provinces: current.counts.provinces, districts: current.counts.districts, communes: current.counts.communes })}
            </Text>
          )}
          {editions.data && (
            <Text size="xs" c="dimmed">
              {t('units.editions', { list: editions.data.items.map((e) => dateVi(e.dataDate)).join(', ') })}
            </Text>
          )}
          <Title order={4} size="h5" mt="sm">
            {t('units.loadTitle')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('units.loadHelp')}
          </Text>
          <Group align="flex-end">
            <FileInput label={t('units.catalogueFile')} accept=".json,application/json" value={file} onChange={setFile} clearable w={280} />
            <FileInput label={t('units.mappingFile')} accept=".json,application/json" value={mapping} onChange={setMapping} clearable w={280} />
            <Button onClick={() => void load()} loading={busy} disabled={!file}>
              {t('units.load')}
            </Button>
          </Group>
          {message && (
            <Alert color={message.ok ? 'teal' : 'red'} role={message.ok ? 'status' : 'alert'}>
              {message.text}
            </Alert>
          )}
        </Stack>
      </Paper>
    </Stack>
  );
}
