import { Alert, Box, Button, Group, Loader, Table, Text } from '@mantine/core';
import { IconAlertTriangle, IconCloudCheck, IconCloudOff, IconCloudUpload } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { pick } from '../i18n';
import type { Autosave } from './queue';
import { useAutosaveState } from './useAutosave';

const pad = (n: number) => String(n).padStart(2, '0');
const hhmm = (ms: number) => {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
};
const hhmmss = (ms: number) => `${hhmm(ms)}:${pad(new Date(ms).getSeconds())}`;

/** Saving / saved at … / offline, retrying at … / n changes not saved: one line, announced to screen readers. */
export function AutosaveStatus({ store }: { store: Autosave }) {
  const { t } = useTranslation();
  const s = useAutosaveState(store);
  let body: React.ReactNode;
  if (s.status === 'retrying' && s.retry) {
    body = (
      <Group gap={6} wrap="nowrap">
        <IconCloudOff size={18} color="var(--mantine-color-red-7)" />
        <Text size="sm" c="red.8">
          {t('autosave.retrying', { time: hhmmss(s.retry.at), n: s.retry.attempt })}
        </Text>
        <Button size="compact-xs" variant="light" color="red" onClick={() => store.retryNow()}>
          {t('autosave.retryNow')}
        </Button>
      </Group>
    );
  } else if (s.status === 'saving') {
    body = (
      <Group gap={6} wrap="nowrap">
        <Loader size={14} />
        <Text size="sm">{s.pending > 1 ? t('autosave.savingN', { count: s.pending }) : t('autosave.saving')}</Text>
      </Group>
    );
  } else if (s.status === 'refused') {
    body = (
      <Group gap={6} wrap="nowrap">
        <IconAlertTriangle size={18} color="var(--mantine-color-red-7)" />
        <Text size="sm" c="red.8">
          {t('autosave.refused', { count: s.rejected.length })}
        </Text>
      </Group>
    );
  } else if (s.status === 'saved' && s.savedAt !== null) {
    body = (
      <Group gap={6} wrap="nowrap">
        <IconCloudCheck size={18} color="var(--mantine-color-teal-7)" />
        <Text size="sm">{t('autosave.saved', { time: hhmm(s.savedAt) })}</Text>
      </Group>
    );
  } else {
    body = (
      <Group gap={6} wrap="nowrap">
        <IconCloudUpload size={18} color="var(--mantine-color-dimmed)" />
        <Text size="sm" c="dimmed">
          {t('autosave.idle')}
        </Text>
      </Group>
    );
  }
  return (
    <Box role="status" aria-live="polite" data-testid="save-state" data-status={s.status}>
      {body}
    </Box>
  );
}

/** How a page names one of its fields and the value typed into it. */
export type Describe = (key: string, payload: unknown) => { field: string; value: string };

/** Every edit the core refused: which field, the value kept, why; each can be discarded once dealt with. */
export function RefusedEdits({ store, describe }: { store: Autosave; describe: Describe }) {
  const { t } = useTranslation();
  const s = useAutosaveState(store);
  if (s.rejected.length === 0) return null;
  return (
    <Alert color="red" variant="light" icon={<IconAlertTriangle />} title={t('autosave.refusedTitle')} data-testid="refused-edits" role="alert">
      <Text size="sm" mb="xs">
        {t('autosave.refusedIntro')}
      </Text>
      <Table fz="sm" verticalSpacing={4} withRowBorders={false}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('autosave.colField')}</Table.Th>
            <Table.Th>{t('autosave.colValue')}</Table.Th>
            <Table.Th>{t('autosave.colWhy')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {s.rejected.map((r) => {
            const d = describe(r.key, r.payload);
            return (
              <Table.Tr key={r.key} data-testid={`refused-${r.key}`}>
                <Table.Td fw={600}>{d.field}</Table.Td>
                <Table.Td data-testid="refused-value" style={{ whiteSpace: 'pre-wrap' }}>
                  {d.value}
                </Table.Td>
                <Table.Td data-testid="refused-why">{pick(r.error.message)}</Table.Td>
                <Table.Td>
                  <Button size="compact-xs" variant="subtle" color="red" aria-label={t('autosave.dismissAria', { field: d.field })} onClick={() => store.discard(r.key)}>
                    {t('autosave.dismiss')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Alert>
  );
}
