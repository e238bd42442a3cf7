import { Alert, Badge, Button, Code, Group, List, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconFileSpreadsheet } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallOutput } from '../../../api/contract';
import type { ApiErrorShape } from '../../../api/errors';
import { api, errorOf } from '../api';
import { stageFile } from '../files';
import { pick } from '../i18n';
import { FileDrop } from '../packages/FileDrop';
import { ruleCounts } from './rules';

type Preview = CallOutput<'packs.preview'>;

const EXTS = ['.xlsx', '.json', '.cfcpack'];

/** The refusal of a file: the message, then every problem (named by sheet and cell for a workbook), nothing installed. */
export function Refusal({ error, testId }: { error: ApiErrorShape; testId: string }) {
  const { t } = useTranslation();
  return (
    <Alert color="red" role="alert" data-testid={testId} title={t('packsUi.refusedTitle')}>
      <Text size="sm">{pick(error.message)}</Text>
      {error.issues && error.issues.length > 0 && (
        <List size="sm" mt="xs" spacing={2} data-testid={`${testId}-issues`}>
          {error.issues.map((x, n) => (
            <List.Item key={n}>{pick(x.message)}</List.Item>
          ))}
        </List>
      )}
      <Text size="xs" mt="xs" c="dimmed">
        {t('packsUi.nothingInstalled')}
      </Text>
    </Alert>
  );
}

/** What the pack would be once installed: identity, status, signer, rules confirmed vs provisional, thresholds, criteria. */
function PackPreview({ p }: { p: Preview }) {
  const { t } = useTranslation();
  const s = p.summary;
  const counts = ruleCounts(p.pack);
  const th = p.pack.recognition.thresholds;
  return (
    <Stack gap="sm" data-testid="packs-preview">
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={4}>
            {s.id} {s.version}
          </Title>
          <Text size="sm">{pick(s.title)}</Text>
          <Text size="xs" c="dimmed">
            {pick(s.legalBasis)} · {t('packsUi.effective', { date: s.effectiveDate.split('-').reverse().join('/') })}
          </Text>
        </div>
        <Stack gap={4} align="flex-end">
          {s.status === 'official' && s.allConfirmed ? <Badge color="green">{t('packs.official')}</Badge> : <Badge color="orange">{t('packs.provisionalPack')}</Badge>}
          <Badge variant="outline" color="gray">
            {t(`packsUi.format_${p.format}`)}
          </Badge>
        </Stack>
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
        <Text size="sm" data-testid="packs-preview-counts">
          {t('packsUi.ruleCounts', { confirmed: counts.confirmed, provisional: counts.provisional })}
        </Text>
        <Text size="sm" data-testid="packs-preview-signer">
          {s.issuer ? t('packsUi.signer', { name: s.issuer.name, role: s.issuer.role, unit: s.issuer.unitCode, fp: s.issuer.fingerprint }) : t('packsUi.unsigned')}
        </Text>
        <Text size="sm">
          SHA-256 <Code>{s.sha256.slice(0, 16)}</Code>
        </Text>
        <Text size="sm">{p.existing === 'same' ? t('packsUi.existingSame') : t('packsUi.existingNew')}</Text>
      </SimpleGrid>
      {s.status !== 'official' && (
        <Text size="xs" c="orange.8">
          {pick(p.pack.provisionalNotice)}
        </Text>
      )}
      <Table withTableBorder fz="sm" variant="vertical" layout="fixed" data-testid="packs-preview-recognition">
        <Table.Tbody>
          <Table.Tr>
            <Table.Th w={260}>{t('packsUi.thresholds')}</Table.Th>
            <Table.Td>{t('packsUi.thresholdsText', { urban: th.urban_ward, mountain: th.mountain_island_disadvantaged, other: th.other, max: p.pack.maxTotal })}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>{t('packs.recognition')}</Table.Th>
            <Table.Td>
              {p.pack.recognition.noCriterionAtZero ? t('packsUi.noZero') : t('packsUi.zeroAllowed')}{' '}
              {p.pack.recognition.confirmed ? <Badge color="green" size="xs">{t('packs.confirmed')}</Badge> : <Badge color="orange" size="xs">{t('packs.provisional')}</Badge>}
              <Text size="xs" c="dimmed">
                {p.pack.recognition.source}
              </Text>
            </Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
      <Table withTableBorder striped fz="sm" data-testid="packs-preview-criteria">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={50}>#</Table.Th>
            <Table.Th>{t('packsUi.criterion')}</Table.Th>
            <Table.Th w={90}>{t('packsUi.max')}</Table.Th>
            <Table.Th w={110}>{t('packsUi.indicators')}</Table.Th>
            <Table.Th w={120}>{t('packs.confirmedCol')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {p.pack.criteria.map((c) => (
            <Table.Tr key={c.id}>
              <Table.Td>{c.id}</Table.Td>
              <Table.Td>{pick(c.title)}</Table.Td>
              <Table.Td>{c.max}</Table.Td>
              <Table.Td>{c.indicators.map((i) => `${i.id} (${i.max})`).join(', ')}</Table.Td>
              <Table.Td>{c.confirmed ? <Badge color="green" size="xs">{t('packs.confirmed')}</Badge> : <Badge color="orange" size="xs">{t('packs.provisional')}</Badge>}</Table.Td>
            </Table.Tr>
          ))}
          <Table.Tr>
            <Table.Td />
            <Table.Td fw={700}>{t('packsUi.total')}</Table.Td>
            <Table.Td fw={700}>{p.pack.maxTotal}</Table.Td>
            <Table.Td />
            <Table.Td />
          </Table.Tr>
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

/**
 * Settings → import a pack: a workbook, a signed pack or a pack's JSON is uploaded to the core's staging area (never a
 * path), read and validated into a preview; nothing is installed until the person presses Install.
 */
export function PackImport({ onInstalled }: { onInstalled(): void }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState<'upload' | 'install' | null>(null);
  const [error, setError] = useState<ApiErrorShape | null>(null);
  const [staged, setStaged] = useState<{ stagedId: string; name: string; preview: Preview } | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const onFiles = async (files: File[]) => {
    const f = files[0];
    if (!f) return;
    setError(null);
    setStaged(null);
    setDone(null);
    if (!EXTS.some((e) => f.name.toLowerCase().endsWith(e))) {
      return setError({ code: 'not_a_pack', message: { vi: t('packsUi.wrongType', { name: f.name, lng: 'vi' }), en: t('packsUi.wrongType', { name: f.name, lng: 'en' }) } });
    }
    setBusy('upload');
    try {
      const s = await stageFile(f);
      setStaged({ stagedId: s.stagedId, name: f.name, preview: await api.call('packs.preview', { stagedId: s.stagedId, name: f.name }) });
    } catch (e) {
      setError(errorOf(e));
    } finally {
      setBusy(null);
    }
  };

  const install = async () => {
    if (!staged) return;
    setBusy('install');
    setError(null);
    try {
      const r = await api.call('packs.installStaged', { stagedId: staged.stagedId, name: staged.name });
      setDone(r.installed ? t('packsUi.installedOk', { id: r.summary.id, version: r.summary.version }) : t('packsUi.alreadyThere', { id: r.summary.id, version: r.summary.version }));
      setStaged(null);
      onInstalled();
    } catch (e) {
      setError(errorOf(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Paper withBorder p="md" radius="md" data-testid="packs-import">
      <Stack gap="sm">
        <Title order={4} size="h5">
          {t('packsUi.importTitle')}
        </Title>
        <FileDrop
          onFiles={(fs) => void onFiles(fs)}
          multiple={false}
          busy={busy === 'upload'}
          label={t('packsUi.importLabel')}
          hint={t('packsUi.importHint')}
          ariaLabel={t('packsUi.importLabel')}
          testId="packs-dropzone"
          icon={<IconFileSpreadsheet size={28} stroke={1.5} color="var(--mantine-color-dimmed)" />}
        />
        {error && <Refusal error={error} testId="packs-import-error" />}
        {done && (
          <Alert color="teal" data-testid="packs-import-done">
            {done}
          </Alert>
        )}
        {staged && (
          <>
            <Text size="xs" c="dimmed">
              {t('packsUi.previewOf', { name: staged.name })}
            </Text>
            <PackPreview p={staged.preview} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setStaged(null)} disabled={busy !== null}>
                {t('common.cancel')}
              </Button>
              <Button onClick={() => void install()} loading={busy === 'install'} data-testid="packs-install">
                {staged.preview.existing === 'same' ? t('packsUi.installAgain') : t('packsUi.install', { id: staged.preview.summary.id, version: staged.preview.summary.version })}
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </Paper>
  );
}
