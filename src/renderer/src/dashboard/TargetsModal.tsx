import { ActionIcon, Alert, Button, Group, Modal, NumberInput, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiErrorShape } from '../../../api/errors';
import { api, errorOf, useCall } from '../api';
import { pick } from '../i18n';
import { formatDate } from '../lib/text';
import { editionDate } from '../lib/edition';

/** The plan's targets: edit a rate or its source, add a year (for the profile's province or for all), remove one. */
export function TargetsModal({ opened, onClose, provinceCode, onChanged }: { opened: boolean; onClose(): void; provinceCode: string | null; onChanged(): void }) {
  const { t } = useTranslation();
  const list = useCall('targets.list', opened ? {} : null);
  const [error, setError] = useState<ApiErrorShape | null>(null);
  const [draft, setDraft] = useState<{ year: number | string; rate: number | string; source: string }>({ year: '', rate: '', source: '' });
  const run = async (f: () => Promise<unknown>) => {
    try {
      await f();
      setError(null);
      await list.reload();
      onChanged();
    } catch (e) {
      setError(errorOf(e));
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title={t('dash.targetsTitle')} size="xl" data-testid="targets-modal">
      <Stack>
        {error && <Alert color="red">{pick(error.message)}</Alert>}
        <Table verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('dash.year')}</Table.Th>
              <Table.Th>{t('dash.province')}</Table.Th>
              <Table.Th>{t('dash.ratePercent')}</Table.Th>
              <Table.Th>{t('dash.source')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data?.items.map((x) => (
              <Table.Tr key={x.id} data-testid="target-row">
                <Table.Td>{x.year}</Table.Td>
                <Table.Td data-testid="target-scope">{x.scopeCode ? t('reformHistory.targetOf', { code: x.scopeCode, date: editionDate(x.unitEdition) }) : t('dash.scopeAll')}</Table.Td>
                <Table.Td>
                  <NumberInput
                    w={90}
                    min={0}
                    max={100}
                    decimalScale={1}
                    defaultValue={x.ratePercent}
                    aria-label={`${t('dash.ratePercent')} ${x.year}`}
                    onBlur={(e) => {
                      const v = Number(e.currentTarget.value.replace(',', '.'));
                      if (v !== x.ratePercent) void run(() => api.call('targets.save', { id: x.id, scopeCode: x.scopeCode, unitEdition: x.unitEdition, year: x.year, ratePercent: v, source: x.source }));
                    }}
                  />
                </Table.Td>
                <Table.Td>
                  <Text size="xs" lineClamp={2} title={x.source}>{x.source}</Text>
                  <Text size="xs" c="dimmed">{t('dash.updated', { at: formatDate(x.updatedAt), by: x.updatedBy })}</Text>
                </Table.Td>
                <Table.Td>
                  <ActionIcon variant="subtle" color="red" aria-label={t('dash.remove')} onClick={() => void run(() => api.call('targets.delete', { id: x.id }))}>
                    <IconTrash size={16} />
                  </ActionIcon>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Group align="end">
          <NumberInput label={t('dash.year')} w={100} min={2000} max={2100} value={draft.year} onChange={(v) => setDraft({ ...draft, year: v })} />
          <NumberInput label={t('dash.ratePercent')} w={100} min={0} max={100} value={draft.rate} onChange={(v) => setDraft({ ...draft, rate: v })} />
          <TextInput label={t('dash.source')} style={{ flex: 1 }} value={draft.source} onChange={(e) => setDraft({ ...draft, source: e.currentTarget.value })} />
          <Button
            onClick={() =>
              void run(() => api.call('targets.save', { scopeCode: provinceCode, year: Number(draft.year), ratePercent: Number(draft.rate), source: draft.source }))
            }
          >
            {t('dash.add')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
