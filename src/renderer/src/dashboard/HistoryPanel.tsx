import { Badge, Group, Loader, Paper, ScrollArea, Stack, Switch, Table, Text, Title, UnstyledButton } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttributedRowView } from '../../../api/calls/dashboard';
import { useCall } from '../api';
import { editionDate } from '../lib/edition';
import { STATUS_COLOR } from './CommuneTable';


const ATTRIBUTED_COLOR: Record<AttributedRowView['status'], string> = { recognised: 'teal', not_recognised: 'red', not_assessed: 'gray', only_parts: 'yellow' };

/**
 * A year before the reform in today's communes (rule 11): each new commune once, with the old communes that went into
 * it and their results (a part of a split commune marked). A commune opens the drill-down with its predecessors.
 */
export function HistoryPanel({ year, scope, onOpen }: { year: number; scope: string; onOpen(code: string): void }) {
  const { t } = useTranslation();
  const h = useCall('dashboard.history', { year, scope });
  const [onlyAssessed, setOnlyAssessed] = useState(true);
  const rows = useMemo(
    () => (h.data?.rows ?? []).filter((r) => !onlyAssessed || r.predecessors.some((p) => p.status !== 'not_assessed')),
    [h.data, onlyAssessed],
  );
  if (!h.data) return h.error ? null : <Loader />;
  const d = h.data;
  return (
    <Paper withBorder p="md" data-testid="history-panel">
      <Group justify="space-between" align="start">
        <div>
          <Title order={4}>{t('reformHistory.title', { year })}</Title>
          <Text size="xs" c="dimmed" maw={900}>
            {t('reformHistory.intro', { year, edition: editionDate(d.edition), shownIn: editionDate(d.shownIn), n: d.totals.communes })}
          </Text>
        </div>
        <Switch label={t('reformHistory.onlyAssessed')} checked={onlyAssessed} onChange={(e) => setOnlyAssessed(e.currentTarget.checked)} data-testid="history-only-assessed" />
      </Group>
      <Text size="sm" mt="xs" data-testid="history-totals">{t('reformHistory.totals', d.totals)}</Text>
      <ScrollArea.Autosize mah={420} mt="sm">
        <Table striped fz="sm" verticalSpacing={4} data-testid="history-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('reformHistory.newCommune')}</Table.Th>
              <Table.Th>{t('reformHistory.result')}</Table.Th>
              <Table.Th>{t('reformHistory.predecessors')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.code} data-testid="history-row" data-code={r.code}>
                <Table.Td>
                  <UnstyledButton onClick={() => onOpen(r.code)} data-testid="history-open">
                    <Text size="sm" fw={600} c="blue">{r.name}</Text>
                    <Text size="xs" c="dimmed">{r.code} · {t('reformHistory.edition', { date: editionDate(r.edition) })}</Text>
                  </UnstyledButton>
                </Table.Td>
                <Table.Td>
                  <Badge color={ATTRIBUTED_COLOR[r.status]} variant="light" style={{ textTransform: 'none' }} data-testid="history-status">
                    {t(`reformHistory.st.${r.status}`)}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Stack gap={2}>
                    {r.predecessors.map((p) => (
                      <Group key={p.code} gap={6} wrap="nowrap" data-testid="history-predecessor">
                        <Text size="xs">
                          {p.name} ({p.code}, {p.place})
                        </Text>
                        <Badge size="xs" variant={p.whole ? 'outline' : 'filled'} color={p.whole ? 'gray' : 'yellow'} style={{ textTransform: 'none' }}>
                          {p.whole ? t('reformHistory.whole') : t('reformHistory.part')}
                        </Badge>
                        <Badge size="xs" color={STATUS_COLOR[p.status]} variant="light" style={{ textTransform: 'none' }}>
                          {t(`dash.st.${p.status}`)}
                          {p.teamTotal !== null ? ` · ${p.teamTotal}` : p.selfTotal !== null ? ` · ${p.selfTotal}` : ''}
                        </Badge>
                      </Group>
                    ))}
                  </Stack>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea.Autosize>
    </Paper>
  );
}
