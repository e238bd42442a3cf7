import { Alert, Button, Group, Progress as Bar, Stack, Text } from '@mantine/core';
import { IconPlayerStop } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { formatSize } from '../assessment/values';
import { formatNumber } from '../lib/text';
import type { Job } from './useJob';

/** A label the core gives that is only a staging id says nothing to a person. */
const STAGING_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\.\w+)?$/;

/**
 * The one progress display of every long job (upload, import, export, report, backup): what is being done, a bar, the
 * bytes done of all in human units, the item i/n, the current file, and Cancel. A cancelled job says "Đã hủy"; the
 * screen stays usable.
 */
export function JobProgress({ job, testId = 'job-progress' }: { job: Job; testId?: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { status, call, progress: p, label } = job.view;
  if (status === 'idle' || status === 'done') return null;
  if (status === 'cancelled') {
    return (
      <Alert color="gray" variant="light" data-testid={`${testId}-cancelled`} role="status" withCloseButton onClose={job.reset} closeButtonLabel={t('common.cancel')}>
        <Text size="sm" fw={600}>
          {t('jobs.cancelled')}
        </Text>
        <Text size="sm">{t('jobs.cancelledHelp')}</Text>
      </Alert>
    );
  }
  const what = call ? t(`jobs.call.${call.replace('.', '_')}`, { defaultValue: t('jobs.working') }) : t('jobs.working');
  const pct = p && p.size > 0 ? Math.min(100, Math.floor((100 * p.bytes) / p.size)) : p && p.total > 0 ? Math.floor((100 * p.index) / p.total) : null;
  const file = label ?? (p && !STAGING_ID.test(p.label) ? p.label : null);
  return (
    <Stack gap={4} role="status" aria-live="polite" data-testid={testId} data-status={status} data-bytes={p?.bytes ?? 0} data-size={p?.size ?? 0}>
      <Group justify="space-between" wrap="nowrap" gap="sm">
        <Text size="sm" fw={500} style={{ minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
          {what}
          {file ? `: ${file}` : ''}
        </Text>
        <Button
          size="xs"
          variant="default"
          color="red"
          leftSection={<IconPlayerStop size={14} />}
          onClick={job.cancel}
          loading={status === 'cancelling'}
          data-testid={`${testId}-cancel`}
        >
          {status === 'cancelling' ? t('jobs.cancelling') : t('jobs.cancel')}
        </Button>
      </Group>
      <Bar value={pct ?? 100} animated={pct === null || status === 'running'} striped={pct === null} aria-label={t('jobs.aria', { what })} />
      <Group gap="md">
        {p && p.size > 0 && (
          <Text size="xs" c="dimmed" data-testid={`${testId}-bytes`} style={{ fontVariantNumeric: 'tabular-nums' }}>
            {t('jobs.bytes', { done: formatSize(p.bytes, lang), size: formatSize(p.size, lang) })}
          </Text>
        )}
        {pct !== null && (
          <Text size="xs" c="dimmed" style={{ fontVariantNumeric: 'tabular-nums' }}>
            {t('jobs.percent', { pct: formatNumber(pct, lang) })}
          </Text>
        )}
        {p && p.total > 1 && (
          <Text size="xs" c="dimmed">
            {t('jobs.items', { index: formatNumber(Math.min(p.index + 1, p.total), lang), total: formatNumber(p.total, lang) })}
          </Text>
        )}
      </Group>
    </Stack>
  );
}
