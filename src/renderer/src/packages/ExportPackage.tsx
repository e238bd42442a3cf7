import { Alert, Anchor, Button, Group, Loader, Modal, Paper, PasswordInput, Select, Stack, Table, Text, Title } from '@mantine/core';
import { IconDeviceFloppy, IconDownload, IconPackageExport, IconSettings } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UiCallOutput as CallOutput } from '../../../api/contract';
import { errorOf, useCall } from '../api';
import { formatSize } from '../assessment/values';
import { SaveCopyButton } from '../components/SaveCopyButton';
import { canSaveAs, exportUrl } from '../files';
import { pick } from '../i18n';
import { JobProgress } from '../jobs/JobProgress';
import { useJob } from '../jobs/useJob';
import { CreateKeyForm } from '../keys/CreateKeyForm';
import { Fingerprint } from './bits';

/** An exported package, and where it went: the data folder's exports/ (downloadable), or a file the user chose. */
type Exported = CallOutput<'packages.export'> & { chosen?: boolean };

/** On the summary of a submitted revision: sign it and export the package, with a guided key creation if need be. */
export function ExportPackagePanel({ revisionId }: { revisionId: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<Exported | null>(null);
  return (
    <Paper withBorder radius="md" p="lg" data-testid="export-package">
      <Group justify="space-between" align="flex-start" gap="md">
        <Stack gap={4} style={{ flex: 1, minWidth: 240 }}>
          <Title order={3} size="h4">
            {t('pkg.export.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('pkg.export.help')}
          </Text>
        </Stack>
        <Button leftSection={<IconPackageExport size={18} />} onClick={() => setOpen(true)}>
          {t('pkg.export.button')}
        </Button>
      </Group>
      {done && !open && <ExportResult r={done} />}
      <Modal opened={open} onClose={() => setOpen(false)} title={t('pkg.export.modalTitle')} size="lg">
        {open && (
          <ExportDialog
            revisionId={revisionId}
            onDone={(r) => setDone(r)}
            done={done}
            onClose={() => setOpen(false)}
          />
        )}
      </Modal>
    </Paper>
  );
}

function ExportDialog({ revisionId, done, onDone, onClose }: { revisionId: string; done: Exported | null; onDone(r: Exported): void; onClose(): void }) {
  const { t } = useTranslation();
  const profile = useCall('profile.get', {});
  const keys = useCall('keys.list', {});
  const active = (keys.data?.items ?? []).filter((k) => k.status === 'active');
  const [keyId, setKeyId] = useState<string | null>(null);
  const [pass, setPass] = useState('');
  const job = useJob();
  const busy = job.busy;
  const [error, setError] = useState<{ text: string; field?: string | undefined } | null>(null);
  const [result, setResult] = useState<Exported | null>(done);

  useEffect(() => {
    if (!keyId && active.length > 0) setKeyId(active[0]!.keyId);
  }, [keyId, active]);
  const key = active.find((k) => k.keyId === keyId) ?? null;
  const needPass = key?.sealedBy === 'passphrase';

  /** Which button started the job (both run as jobs: progress and Cancel). */
  const [saving, setSaving] = useState(false);
  /** Signs into the data folder's exports/, or, "Save as…", where the user chooses: a job either way (progress and Cancel). */
  const sign = async (chosen = false) => {
    if (!key) return;
    setError(null);
    if (needPass && !pass) {
      setError({ text: t('pkg.export.needPassphrase'), field: 'passphrase' });
      return;
    }
    try {
      // A job: progress of the evidence streamed into the package, and Cancel (nothing is left; the passphrase stays).
      const input = { id: revisionId, keyId: key.keyId, ...(needPass ? { passphrase: pass } : {}) };
      let r: Exported | null;
      if (chosen) {
        setSaving(true);
        const saved = await job.saveAs('packages.export', input).finally(() => setSaving(false));
        r = saved && { ...saved, chosen: true };
      } else r = await job.run('packages.export', input);
      if (!r) return;
      setResult(r);
      onDone(r);
      setPass('');
    } catch (e) {
      const err = errorOf(e);
      setError({ text: pick(err.message), field: err.field });
    }
  };

  if (result) {
    return (
      <Stack>
        <ExportResult r={result} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('pkg.export.close')}
          </Button>
        </Group>
      </Stack>
    );
  }
  if (!keys.data || profile.data === undefined) {
    if (keys.error || profile.error) {
      return (
        <Alert color="red" role="alert">
          {pick((keys.error ?? profile.error)!.message)}
        </Alert>
      );
    }
    return <Loader aria-label={t('common.loading')} />;
  }
  if (active.length === 0) {
    return (
      <Stack gap="sm">
        <Alert color="blue" variant="light">
          {t('pkg.export.needKey')}
        </Alert>
        {profile.data && (
          <CreateKeyForm
            profile={profile.data}
            sealing={keys.data.sealing}
            onCreated={(k, p) => {
              setKeyId(k.keyId);
              if (p) setPass(p);
              void keys.reload();
            }}
          />
        )}
        <Anchor href="#/settings" size="sm" onClick={onClose}>
          <Group gap={4} wrap="nowrap">
            <IconSettings size={14} />
            {t('pkg.export.manageKeys')}
          </Group>
        </Anchor>
      </Stack>
    );
  }
  return (
    <Stack gap="sm">
      {active.length > 1 ? (
        <Select
          label={t('pkg.export.key')}
          data={active.map((k) => ({ value: k.keyId, label: `${k.holder.name} — ${k.fingerprint}` }))}
          value={keyId}
          onChange={setKeyId}
          allowDeselect={false}
        />
      ) : null}
      {key && (
        <Paper withBorder p="sm" radius="sm">
          <Text size="sm" c="dimmed">
            {t('pkg.export.key')}
          </Text>
          <Text size="sm" fw={600}>
            {key.holder.name}
            {key.holder.title ? `, ${key.holder.title}` : ''}
          </Text>
          <Fingerprint value={key.fingerprint} size="lg" />
        </Paper>
      )}
      {needPass && (
        <PasswordInput
          label={t('pkg.export.passphrase')}
          value={pass}
          onChange={(e) => setPass(e.currentTarget.value)}
          required
          autoComplete="current-password"
          data-autofocus
          error={error?.field === 'passphrase' ? error.text : undefined}
          onKeyDown={(e) => {
            if (e.key === 'Enter') void sign();
          }}
        />
      )}
      {error && error.field !== 'passphrase' && (
        <Alert color="red" role="alert">
          {error.text}
        </Alert>
      )}
      <JobProgress job={job} />
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t('common.cancel')}
        </Button>
        {canSaveAs() && (
          <Button variant="light" leftSection={<IconDeviceFloppy size={18} />} loading={busy && saving} onClick={() => void sign(true)} disabled={!key || busy}>
            {t('pkg.export.signSaveAs')}
          </Button>
        )}
        <Button leftSection={<IconPackageExport size={18} />} loading={busy && !saving} onClick={() => void sign()} disabled={!key || busy}>
          {t('pkg.export.sign')}
        </Button>
      </Group>
    </Stack>
  );
}

function ExportResult({ r }: { r: Exported }) {
  const { t, i18n } = useTranslation();
  return (
    <Alert color="teal" variant="light" mt="md" title={t('pkg.export.done')} role="status" data-testid="export-result">
      <Table variant="vertical" layout="fixed" fz="sm" withRowBorders={false}>
        <Table.Tbody>
          <Table.Tr>
            <Table.Th w={170}>{t('pkg.export.file')}</Table.Th>
            <Table.Td style={{ wordBreak: 'break-all' }} data-testid="export-file-name">
              {r.fileName}
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>{t('pkg.export.size')}</Table.Th>
            <Table.Td>{formatSize(r.size, i18n.language)}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>{t('pkg.export.fingerprint')}</Table.Th>
            <Table.Td>
              <Fingerprint value={r.fingerprint} size="lg" testId="export-fingerprint" />
            </Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
      <Text size="sm" mt="xs">
        {t('pkg.export.whatNext', { fp: r.fingerprint })}
      </Text>
      {r.chosen ? (
        <Text size="sm" mt="xs" fw={600}>
          {t('pkg.export.savedChosen')}
        </Text>
      ) : (
        <Group mt="sm" gap="sm">
          <Button component="a" href={exportUrl(r.fileName)} download={r.fileName} leftSection={<IconDownload size={18} />} data-testid="export-download">
            {t('pkg.export.download')}
          </Button>
          <SaveCopyButton route="exports" fileName={r.fileName} />
        </Group>
      )}
    </Alert>
  );
}
