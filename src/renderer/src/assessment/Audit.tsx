import { Alert, Badge, Drawer, Group, Loader, Stack, Table, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiErrorShape } from '../../../api/errors';
import { api, errorOf } from '../api';
import { pick } from '../i18n';
import { formatDate } from '../lib/text';
import type { AuditItem, PackIndicator } from './types';
import { describeValue } from './values';

/** The audit trail (who, when, what, old → new, why) of an assessment or of one indicator. */
export function AuditDrawer({
  revisionId,
  indicatorId,
  opened,
  onClose,
  indicators,
}: {
  revisionId: string;
  indicatorId: string | null;
  opened: boolean;
  onClose(): void;
  indicators: Map<string, PackIndicator>;
}) {
  const { t } = useTranslation();
  const [items, setItems] = useState<AuditItem[] | null>(null);
  const [error, setError] = useState<ApiErrorShape | null>(null);

  useEffect(() => {
    if (!opened) return;
    let live = true;
    setItems(null);
    setError(null);
    api
      .call('audit.list', { id: revisionId, ...(indicatorId ? { indicatorId } : {}) })
      .then((r) => live && setItems(r.items))
      .catch((e: unknown) => live && setError(errorOf(e)));
    return () => {
      live = false;
    };
  }, [opened, revisionId, indicatorId]);

  return (
    <Drawer
      opened={opened}
      onClose={onClose}
      position="right"
      size="xl"
      title={indicatorId ? t('ws.audit.titleIndicator', { id: indicatorId }) : t('ws.audit.title')}
    >
      {error && (
        <Alert color="red" title={t('common.error')}>
          {pick(error.message)}
        </Alert>
      )}
      {!items && !error && <Loader aria-label={t('common.loading')} />}
      {items && <AuditTable items={items} indicators={indicators} showIndicator={!indicatorId} />}
    </Drawer>
  );
}

export function AuditTable({ items, indicators, showIndicator }: { items: AuditItem[]; indicators: Map<string, PackIndicator>; showIndicator: boolean }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  if (items.length === 0) return <Text c="dimmed">{t('ws.audit.empty')}</Text>;
  const newestFirst = [...items].reverse();
  return (
    <Table striped verticalSpacing="xs" fz="sm" data-testid="audit-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={130}>{t('ws.audit.when')}</Table.Th>
          <Table.Th>{t('ws.audit.who')}</Table.Th>
          <Table.Th>{t('ws.audit.what')}</Table.Th>
          <Table.Th>{t('ws.audit.change')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {newestFirst.map((a) => {
          const ind = a.indicatorId ? indicators.get(a.indicatorId) : undefined;
          const hasChange = a.old !== null || a.new !== null;
          return (
            <Table.Tr key={a.seq}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(a.at)}</Table.Td>
              <Table.Td>{a.actor}</Table.Td>
              <Table.Td>
                <Stack gap={2}>
                  <Group gap={4}>
                    <Text size="sm" fw={500}>
                      {t(`ws.audit.action.${a.action}`)}
                    </Text>
                    {showIndicator && a.indicatorId && (
                      <Badge size="xs" variant="light">
                        {a.indicatorId}
                      </Badge>
                    )}
                    <Badge size="xs" variant="outline" color="gray">
                      {t('ws.revisionN', { n: a.revision })}
                    </Badge>
                  </Group>
                  {a.reason && (
                    <Text size="xs" c="dimmed">
                      {t('ws.audit.reason')}: {a.reason}
                    </Text>
                  )}
                </Stack>
              </Table.Td>
              <Table.Td>
                {hasChange && (
                  <Text size="sm">
                    <Text span c="dimmed" td={a.old !== null ? 'line-through' : undefined}>
                      {describeValue(a.old, lang, ind)}
                    </Text>
                    {' → '}
                    <Text span fw={500}>
                      {describeValue(a.new, lang, ind)}
                    </Text>
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
