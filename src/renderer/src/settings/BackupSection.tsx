import { Alert, Button, Group, Modal, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { IconDatabaseExport, IconDownload, IconRefresh, IconRestore } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiCallError } from '../../../api/errors';
import type { UiCallOutput } from '../../../api/contract';
import { api, errorOf, useCall } from '../api';
import { SaveCopyButton } from '../components/SaveCopyButton';
import { exportUrl } from '../files';
import { pick } from '../i18n';
import { JobProgress } from '../jobs/JobProgress';
import { useJob } from '../jobs/useJob';
import { formatDate, formatNumber } from '../lib/text';
import { FileDrop } from '../packages/FileDrop';

type BackupJob = UiCallOutput<'backup.job'>;

const EXT = '.cfcbak';

function useSize() {
  const { i18n } = useTranslation();
  return (bytes: number) =>
    bytes < 1024 * 1024 ? `${formatNumber(Math.max(1, Math.round(bytes / 1024)), i18n.language)} KB` : `${formatNumber(bytes / (1024 * 1024), i18n.language, 1)} MB`;
}

/**
 * A backup or restore runs in the background under its own job id: its progress and Cancel are the one job display's
 * (jobs/); its end (what was made, or why not) is read by polling `backup.job`. Resolves with the ended job; a
 * cancelled one rejects with `cancelled`, so the display says "Đã hủy".
 */
function untilEnded(jobId: string): Promise<BackupJob> {
  return new Promise((resolve, reject) => {
    const poll = async () => {
      try {
        const j = await api.call('backup.job', { jobId });
        if (j.state === 'running') setTimeout(() => void poll(), 250);
        else if (j.error?.code === 'cancelled') reject(new ApiCallError(j.error));
        else resolve(j);
      } catch (e) {
        // The core is busy swapping the store, or was restarted: try again shortly.
        if (errorOf(e).code === 'offline') setTimeout(() => void poll(), 500);
        else resolve({ jobId, kind: 'create', state: 'failed', phase: 'finished', progress: null, created: null, restored: null, error: errorOf(e) });
      }
    };
    void poll();
  });
}

/** Settings: make a backup and download it; restore from an uploaded backup; the reminder when the last one is old. */
export function BackupSection() {
  const { t } = useTranslation();
  const size = useSize();
  const status = useCall('backup.status', {});
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<File | null>(null);
  const createJob = useJob();
  const restoreJob = useJob();
  const [created, setCreated] = useState<BackupJob['created']>(null);
  const [restored, setRestored] = useState<BackupJob['restored']>(null);
  const s = status.data;
  const busy = createJob.busy || restoreJob.busy;

  const start = async () => {
    setError(null);
    setRestored(null);
    setCreated(null);
    try {
      const { jobId } = await api.call('backup.start', {});
      const j = await createJob.follow('backup.start', jobId, untilEnded(jobId));
      if (j?.error) setError(pick(j.error.message));
      setCreated(j?.created ?? null);
      void status.reload();
    } catch (e) {
      setError(pick(errorOf(e).message));
    }
  };

  const onFiles = (files: File[]) => {
    const f = files[0];
    if (!f) return;
    setError(null);
    if (!f.name.toLowerCase().endsWith(EXT)) return setError(t('backup.notBackup', { name: f.name }));
    setPending(f);
  };

  const doRestore = async (f: File) => {
    setPending(null);
    setError(null);
    setCreated(null);
    setRestored(null);
    try {
      const staged = await restoreJob.stage(f);
      if (!staged) return;
      const { jobId } = await api.call('backup.restoreStart', { stagedId: staged.stagedId });
      const j = await restoreJob.follow('backup.restoreStart', jobId, untilEnded(jobId));
      if (j?.error) setError(pick(j.error.message));
      setRestored(j?.restored ?? null);
    } catch (e) {
      setError(pick(errorOf(e).message));
    }
  };

  return (
    <Stack gap="sm" data-testid="backup-section">
      <Title order={3} size="h4">
        {t('backup.title')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('backup.intro')}
      </Text>
      {status.error && (
        <Alert color="red" role="alert">
          {pick(status.error.message)}
        </Alert>
      )}
      {s && s.overdue && (
        <Alert color="yellow" role="status" data-testid="backup-reminder">
          {s.lastBackupAt ? t('backup.overdue', { days: s.remindAfterDays }) : t('backup.overdueNever')}
        </Alert>
      )}
      <Paper withBorder p="md" radius="md">
        <Stack gap="sm">
          <Group justify="space-between">
            <Text size="sm" data-testid="backup-last">
              {s?.lastBackupAt ? t('backup.last', { date: formatDate(s.lastBackupAt), file: s.lastBackupFile }) : t('backup.never')}
            </Text>
            <Button leftSection={<IconDatabaseExport size={18} />} onClick={() => void start()} loading={createJob.busy} disabled={busy}>
              {t('backup.create')}
            </Button>
          </Group>
          <JobProgress job={createJob} testId="backup-progress" />
          {created && (
            <Alert color="teal" role="status" data-testid="backup-created">
              <Stack gap={6}>
                <Text size="sm">{t('backup.created', { file: created.fileName, size: size(created.size) })}</Text>
                <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
                  {t('backup.sha', { sha: created.sha256 })}
                </Text>
                <Group>
                  <Button component="a" href={exportUrl(created.fileName)} download={created.fileName} size="xs" leftSection={<IconDownload size={16} />} data-testid="backup-download">
                    {t('backup.download')}
                  </Button>
                  <SaveCopyButton route="exports" fileName={created.fileName} />
                </Group>
              </Stack>
            </Alert>
          )}
        </Stack>
      </Paper>

      <Paper withBorder p="md" radius="md">
        <Stack gap="sm">
          <Title order={4} size="h5">
            {t('backup.restoreTitle')}
          </Title>
          <FileDrop onFiles={onFiles} label={t('backup.restoreDrop')} hint={t('backup.restoreHint')} ariaLabel={t('backup.restoreDrop')} busy={busy} multiple={false} testId="backup-drop" icon={<IconRestore size={28} stroke={1.5} />} />
          <JobProgress job={restoreJob} testId="restore-progress" />
          {restored && (
            <Alert color="teal" role="status" data-testid="backup-restored">
              <Stack gap={6}>
                <Text size="sm">
                  {t('backup.restored', {
                    date: formatDate(restored.summary.createdAt),
                    version: restored.summary.app.version,
                    evidence: restored.summary.evidence.files,
                    packages: restored.summary.packages.files,
                    keys: restored.summary.signingKeys,
                  })}
                </Text>
                <Text size="sm" style={{ wordBreak: 'break-all' }} data-testid="backup-moved-aside">
                  {restored.movedAsideName ? t('backup.movedAside', { path: restored.movedAsideName }) : t('backup.nothingAside')}
                </Text>
                <Group>
                  <Button size="xs" leftSection={<IconRefresh size={16} />} onClick={() => window.location.reload()} data-testid="backup-reload">
                    {t('backup.reload')}
                  </Button>
                </Group>
              </Stack>
            </Alert>
          )}
        </Stack>
      </Paper>
      {error && (
        <Alert color="red" role="alert" withCloseButton onClose={() => setError(null)} data-testid="backup-error">
          {t('backup.failed', { message: error })}
        </Alert>
      )}

      {s && s.files.length > 0 && (
        <Table striped withTableBorder data-testid="backup-files" aria-label={t('backup.files')}>
          <Table.Caption>{t('backup.files')}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('backup.fileName')}</Table.Th>
              <Table.Th>{t('backup.fileDate')}</Table.Th>
              <Table.Th>{t('backup.fileSize')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {s.files.slice(0, 10).map((f) => (
              <Table.Tr key={f.fileName}>
                <Table.Td style={{ wordBreak: 'break-all' }}>
                  <a href={exportUrl(f.fileName)} download={f.fileName}>
                    {f.fileName}
                  </a>
                  <SaveCopyButton route="exports" fileName={f.fileName} />
                </Table.Td>
                <Table.Td>{formatDate(f.modifiedAt)}</Table.Td>
                <Table.Td>{size(f.size)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}

      <Modal opened={pending !== null} onClose={() => setPending(null)} title={t('backup.confirmTitle')} centered>
        {pending && (
          <Stack>
            <Text size="sm">{t('backup.confirmText', { name: pending.name })}</Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setPending(null)}>
                {t('backup.cancel')}
              </Button>
              <Button color="orange" leftSection={<IconRestore size={18} />} onClick={() => void doRestore(pending)} data-testid="backup-confirm">
                {t('backup.confirm')}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
