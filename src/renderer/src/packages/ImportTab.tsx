import { Alert, Badge, Button, Checkbox, Group, Loader, Paper, Progress, SimpleGrid, Stack, Table, Text, Textarea, Title, ActionIcon, Tooltip } from '@mantine/core';
import { IconFileImport, IconPackageImport, IconRefresh, IconTrash, IconX } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorOf } from '../api';
import { formatSize } from '../assessment/values';
import { pick } from '../i18n';
import { JobProgress } from '../jobs/JobProgress';
import { useJob } from '../jobs/useJob';
import { formatNumber } from '../lib/text';
import { Fingerprint, OutcomeBadge, ReasonList, TrustBadge, type ImportItem, type ImportSummary, type VerifiedPackage } from './bits';
import { FileDrop } from './FileDrop';

type Row = {
  key: string;
  name: string;
  size: number;
  state: 'sending' | 'verifying' | 'verified' | 'failed';
  stagedId?: string;
  v?: VerifiedPackage;
  error?: string;
  accept: boolean;
};
type Done = { name: string; item: ImportItem | null; error?: string };
type Report = { items: Done[]; summary: ImportSummary };

const EXT = '.cfcpkg';
const EMPTY: ImportSummary = { total: 0, imported: 0, alreadyPresent: 0, superseded: 0, conflicts: 0, stale: 0, rejected: 0 };
let seq = 0;

/**
 * Import: packages dropped or picked (several, or a folder's) are streamed to the core one by one and verified at once
 * (nothing is written); the table says what each one is and, when it is not valid, exactly why. Valid packages import
 * with one button; untrusted ones only when ticked, with a reason the import records. Then the summary.
 */
export function ImportTab({ trustVersion, onImported, onShowImported }: { trustVersion: number; onImported(): void; onShowImported(): void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [rows, setRows] = useState<Row[]>([]);
  const [skipped, setSkipped] = useState<string[]>([]);
  const [reason, setReason] = useState('');
  const [reasonTried, setReasonTried] = useState(false);
  const [importing, setImporting] = useState<{ done: number; total: number } | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const queue = useRef<Promise<void>>(Promise.resolve());
  // One job at a time on this screen: an upload (bytes as they reach the core), a verification, an import.
  const job = useJob();

  const mark = (key: string, u: Partial<Row>) => setRows((list) => list.map((r) => (r.key === key ? { ...r, ...u } : r)));

  /** Verifies one staged package; false when the verification was cancelled. */
  const verify = async (key: string, stagedId: string, name: string): Promise<boolean> => {
    mark(key, { state: 'verifying' });
    try {
      const r = await job.run('packages.verify', { stagedIds: [stagedId] }, { label: name });
      if (!r) {
        mark(key, { state: 'failed', error: t('jobs.cancelled') });
        return false;
      }
      mark(key, { state: 'verified', v: r.items[0]!, error: undefined });
    } catch (e) {
      mark(key, { state: 'failed', error: pick(errorOf(e).message) });
    }
    return true;
  };

  const onFiles = (files: File[]) => {
    const pkgs = files.filter((f) => f.name.toLowerCase().endsWith(EXT));
    setSkipped(files.filter((f) => !f.name.toLowerCase().endsWith(EXT)).map((f) => f.name));
    if (pkgs.length === 0) return;
    setReport(null);
    const batch: Row[] = pkgs.map((f) => ({ key: `f${++seq}`, name: f.name, size: f.size, state: 'sending', accept: false }));
    setRows((list) => [...list, ...batch]);
    // One file at a time: staging streams the file, then the core verifies it; the table fills in as they finish.
    queue.current = queue.current.then(async () => {
      for (const [i, f] of pkgs.entries()) {
        const key = batch[i]!.key;
        try {
          const s = await job.stage(f);
          // Cancelled: this upload and the ones waiting after it leave the list (nothing was kept).
          if (!s) {
            const rest = new Set(batch.slice(i).map((b) => b.key));
            setRows((list) => list.filter((r) => !rest.has(r.key)));
            return;
          }
          mark(key, { stagedId: s.stagedId });
          if (!(await verify(key, s.stagedId, f.name))) return;
        } catch (e) {
          mark(key, { state: 'failed', error: pick(errorOf(e).message) });
        }
      }
    });
  };

  const reverifyAll = (list: Row[]) => {
    const todo = list.filter((r) => r.stagedId && (r.state === 'verified' || r.state === 'failed'));
    queue.current = queue.current.then(async () => {
      for (const r of todo) if (!(await verify(r.key, r.stagedId!, r.name))) return;
    });
  };

  // A key added to (or revoked from) the trust store changes the outcome: verify what is waiting again.
  const seenTrust = useRef(trustVersion);
  const reverifyWaiting = useRef(() => {});
  reverifyWaiting.current = () => reverifyAll(rows);
  useEffect(() => {
    if (seenTrust.current === trustVersion) return;
    seenTrust.current = trustVersion;
    reverifyWaiting.current();
  }, [trustVersion]);

  const verified = rows.filter((r) => r.state === 'verified' && r.v);
  const untrusted = verified.filter((r) => r.v!.outcome === 'untrusted');
  const chosen = verified.filter((r) => r.v!.outcome === 'valid' || (r.v!.outcome === 'untrusted' && r.accept));
  const needsReason = chosen.some((r) => r.v!.outcome === 'untrusted');
  const reasonOk = reason.trim().length >= 3;
  const working = rows.some((r) => r.state === 'sending' || r.state === 'verifying');
  const checkedCount = rows.filter((r) => r.state === 'verified' || r.state === 'failed').length;

  const runImport = async () => {
    setReasonTried(true);
    if (chosen.length === 0 || (needsReason && !reasonOk)) return;
    const todo = chosen;
    const done: Done[] = [];
    const sum: ImportSummary = { ...EMPTY };
    setImporting({ done: 0, total: todo.length });
    let cancelled = false;
    for (const [i, r] of todo.entries()) {
      try {
        const untrustedOne = r.v!.outcome === 'untrusted';
        const res = await job.run(
          'packages.import',
          { stagedIds: [r.stagedId!], acceptUntrusted: untrustedOne, ...(untrustedOne ? { reason: reason.trim() } : {}) },
          { label: r.name },
        );
        // Cancelled: nothing of this package was stored; it stays in the list (uploaded, verified) with the reason typed.
        if (!res) {
          cancelled = true;
          break;
        }
        done.push({ name: r.name, item: res.items[0] ?? null });
        for (const k of Object.keys(sum) as (keyof ImportSummary)[]) sum[k] += res.summary[k];
      } catch (e) {
        done.push({ name: r.name, item: null, error: pick(errorOf(e).message) });
        sum.total += 1;
        sum.rejected += 1;
      }
      // The core consumed the staged file, imported or not: it leaves the waiting list.
      setRows((list) => list.filter((x) => x.key !== r.key));
      setImporting({ done: i + 1, total: todo.length });
    }
    setImporting(null);
    setReasonTried(false);
    if (done.length > 0) {
      setReport({ items: done, summary: sum });
      onImported();
    }
    if (!cancelled && !rows.some((x) => x.v?.outcome === 'untrusted' && !todo.includes(x))) setReason('');
  };

  const setAcceptAll = (on: boolean) => setRows((list) => list.map((r) => (r.v?.outcome === 'untrusted' ? { ...r, accept: on } : r)));

  return (
    <Stack gap="md">
      <FileDrop
        onFiles={onFiles}
        label={t('pkg.drop')}
        hint={t('pkg.dropHint')}
        ariaLabel={t('pkg.dropAria')}
        busy={importing !== null}
        folderLabel={t('pkg.pickFolder')}
        testId="package-dropzone"
        icon={<IconFileImport size={28} stroke={1.5} color="var(--mantine-color-dimmed)" />}
      />
      <JobProgress job={job} />
      {skipped.map((n) => (
        <Text key={n} size="sm" c="orange.8" role="alert">
          {t('pkg.notPackage', { name: n })}
        </Text>
      ))}

      {rows.length > 0 && (
        <Paper withBorder radius="md" p="md">
          <Stack gap="sm">
            <Group justify="space-between">
              <Group gap="xs" aria-live="polite" data-testid="verify-progress">
                {working && <Loader size="xs" />}
                <Text size="sm">{t('pkg.checked', { done: checkedCount, total: rows.length })}</Text>
              </Group>
              <Group gap="xs">
                <Button variant="default" size="xs" leftSection={<IconRefresh size={16} />} onClick={() => reverifyAll(rows)} disabled={working || importing !== null}>
                  {t('pkg.reverify')}
                </Button>
                <Button variant="subtle" color="gray" size="xs" leftSection={<IconTrash size={16} />} onClick={() => setRows([])} disabled={working || importing !== null}>
                  {t('pkg.clear')}
                </Button>
              </Group>
            </Group>
            {working && <Progress value={(checkedCount / rows.length) * 100} animated aria-label={t('pkg.checked', { done: checkedCount, total: rows.length })} />}
            <Table.ScrollContainer minWidth={960}>
              <Table verticalSpacing="sm" fz="sm" data-testid="verify-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('pkg.col.file')}</Table.Th>
                    <Table.Th>{t('pkg.col.unit')}</Table.Th>
                    <Table.Th w={60}>{t('pkg.col.year')}</Table.Th>
                    <Table.Th w={50}>{t('pkg.col.revision')}</Table.Th>
                    <Table.Th>{t('pkg.col.kind')}</Table.Th>
                    <Table.Th>{t('pkg.col.total')}</Table.Th>
                    <Table.Th w={190}>{t('pkg.col.signer')}</Table.Th>
                    <Table.Th w={170}>{t('pkg.col.outcome')}</Table.Th>
                    <Table.Th w={40} />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((r) => (
                    <PackageRows
                      key={r.key}
                      r={r}
                      lang={lang}
                      onAccept={(on) => mark(r.key, { accept: on })}
                      onRemove={() => setRows((list) => list.filter((x) => x.key !== r.key))}
                    />
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>

            {untrusted.length > 0 && (
              <Alert color="orange" variant="light" data-testid="untrusted-decision">
                <Stack gap="xs">
                  <Text size="sm">{t('pkg.untrustedNote')}</Text>
                  {untrusted.length > 1 && (
                    <Checkbox
                      label={t('pkg.acceptAll')}
                      checked={untrusted.every((r) => r.accept)}
                      indeterminate={untrusted.some((r) => r.accept) && !untrusted.every((r) => r.accept)}
                      onChange={(e) => setAcceptAll(e.currentTarget.checked)}
                    />
                  )}
                  <Textarea
                    label={t('pkg.reason')}
                    description={t('pkg.reasonHelp')}
                    placeholder={t('pkg.reasonPlaceholder')}
                    value={reason}
                    onChange={(e) => setReason(e.currentTarget.value)}
                    autosize
                    minRows={2}
                    required={needsReason}
                    error={reasonTried && needsReason && !reasonOk ? t('pkg.needReason') : undefined}
                  />
                </Stack>
              </Alert>
            )}

            {importing && importing.total > 1 && (
              <Text size="sm" role="status">
                {t('pkg.importing', importing)}
              </Text>
            )}
            <Group justify="space-between">
              <Text size="sm" c="dimmed">
                {chosen.length === 0 && !working ? t('pkg.nothingToImport') : ''}
              </Text>
              <Button
                leftSection={<IconPackageImport size={18} />}
                onClick={() => void runImport()}
                disabled={chosen.length === 0 || working}
                loading={importing !== null}
                data-testid="import-button"
              >
                {t('pkg.importN', { n: chosen.length })}
              </Button>
            </Group>
          </Stack>
        </Paper>
      )}
      {report && <ImportReport report={report} lang={lang} onShowImported={onShowImported} onClose={() => setReport(null)} />}
    </Stack>
  );
}

function PackageRows({ r, lang, onAccept, onRemove }: { r: Row; lang: string; onAccept(on: boolean): void; onRemove(): void }) {
  const { t } = useTranslation();
  const v = r.v;
  const pending = r.state === 'sending' || r.state === 'verifying';
  const reasons = v ? [...v.reasons] : [];
  return (
    <>
      <Table.Tr data-testid="verify-row" data-file={r.name} data-outcome={v?.outcome ?? r.state} style={{ borderBottom: reasons.length || v?.inner ? 'none' : undefined }}>
        <Table.Td>
          <Text size="sm" fw={500} style={{ wordBreak: 'break-all' }}>
            {r.name}
          </Text>
          <Text size="xs" c="dimmed">
            {formatSize(r.size, lang)}
          </Text>
        </Table.Td>
        <Table.Td>{v?.unit ? `${v.unit.name} (${v.unit.code})` : '—'}</Table.Td>
        <Table.Td>{v?.year ?? '—'}</Table.Td>
        <Table.Td>{v?.revision ?? '—'}</Table.Td>
        <Table.Td>{v?.kind ? t(`pkg.kind.${v.kind}`) : '—'}</Table.Td>
        <Table.Td>
          {v?.summary ? (
            <Stack gap={2}>
              <Text size="sm" fw={600} style={{ fontVariantNumeric: 'tabular-nums' }}>
                {formatNumber(v.summary.total, lang)}/{formatNumber(v.summary.maxTotal, lang)}
              </Text>
              <Text size="xs">{t(`ws.verdict.${v.summary.verdict}`, { defaultValue: v.summary.verdict })}</Text>
            </Stack>
          ) : (
            '—'
          )}
        </Table.Td>
        <Table.Td>
          {v?.signer ? (
            <Stack gap={2}>
              <Text size="sm" fw={500}>
                {v.signer.name}
              </Text>
              <Text size="xs" c="dimmed">
                {t(`role.${v.signer.role}`, { defaultValue: v.signer.role })}
              </Text>
              <Fingerprint value={v.signer.fingerprint} size="sm" />
              <TrustBadge trust={v.signer.trust} />
            </Stack>
          ) : (
            '—'
          )}
        </Table.Td>
        <Table.Td>
          {pending && (
            <Group gap={6} wrap="nowrap">
              <Loader size="xs" />
              <Text size="sm">{r.state === 'sending' ? t('pkg.sending') : t('pkg.verifying')}</Text>
            </Group>
          )}
          {r.state === 'failed' && (
            <Group gap={6} wrap="nowrap" align="flex-start">
              <IconX size={16} color="var(--mantine-color-red-7)" />
              <Text size="sm" c="red.8" role="alert">
                {r.error}
              </Text>
            </Group>
          )}
          {r.state === 'verified' && v && (
            <Stack gap={6}>
              <OutcomeBadge outcome={v.outcome} />
              {v.outcome === 'untrusted' && (
                <Checkbox label={t('pkg.accept')} aria-label={t('pkg.acceptAria', { file: r.name })} checked={r.accept} onChange={(e) => onAccept(e.currentTarget.checked)} />
              )}
            </Stack>
          )}
        </Table.Td>
        <Table.Td>
          {!pending && (
            <Tooltip label={t('pkg.remove', { file: r.name })}>
              <ActionIcon variant="subtle" color="gray" onClick={onRemove} aria-label={t('pkg.remove', { file: r.name })}>
                <IconX size={16} />
              </ActionIcon>
            </Tooltip>
          )}
        </Table.Td>
      </Table.Tr>
      {v && (reasons.length > 0 || v.inner) && (
        <Table.Tr data-testid="verify-reasons" data-file={r.name}>
          <Table.Td colSpan={9} pt={0}>
            <Stack gap={6} pl="sm" style={{ borderLeft: `3px solid var(--mantine-color-${v.outcome === 'invalid' ? 'red' : 'orange'}-5)` }}>
              {reasons.length > 0 && (
                <>
                  <Text size="xs" fw={700} c="dimmed" tt="uppercase">
                    {t('pkg.whatWrong')}
                  </Text>
                  <ReasonList reasons={reasons} color={v.outcome === 'invalid' ? 'red' : 'orange'} />
                </>
              )}
              {v.inner && (
                <Group gap="xs">
                  <Text size="sm">{t('pkg.innerLine', { outcome: t(`pkg.outcome.${v.inner.outcome}`) })}</Text>
                  {v.inner.reasons.length > 0 && <ReasonList reasons={v.inner.reasons} color={v.inner.outcome === 'invalid' ? 'red' : 'orange'} />}
                </Group>
              )}
            </Stack>
          </Table.Td>
        </Table.Tr>
      )}
    </>
  );
}

const RESULT_COLOR: Record<ImportItem['result'], string> = {
  imported: 'teal',
  superseded: 'teal',
  already_present: 'gray',
  conflict: 'red',
  stale: 'yellow',
  rejected: 'red',
};

function ImportReport({ report, lang, onShowImported, onClose }: { report: Report; lang: string; onShowImported(): void; onClose(): void }) {
  const { t } = useTranslation();
  const s = report.summary;
  const counts: [keyof ImportSummary, number][] = [
    ['imported', s.imported],
    ['superseded', s.superseded],
    ['alreadyPresent', s.alreadyPresent],
    ['conflicts', s.conflicts],
    ['stale', s.stale],
    ['rejected', s.rejected],
  ];
  return (
    <Paper withBorder radius="md" p="md" data-testid="import-report" role="status">
      <Group justify="space-between" mb="sm">
        <Title order={3} size="h4">
          {t('pkg.summaryTitle')}
        </Title>
        <ActionIcon variant="subtle" color="gray" onClick={onClose} aria-label={t('pkg.export.close')}>
          <IconX size={18} />
        </ActionIcon>
      </Group>
      <SimpleGrid cols={{ base: 3, sm: 6 }} spacing="xs" mb="md">
        {counts.map(([k, n]) => (
          <Paper key={k} withBorder p="xs" radius="sm" bg={n > 0 ? undefined : 'gray.0'} data-testid={`sum-${k}`}>
            <Text fz={28} fw={800} lh={1.1} c={n > 0 ? (k === 'rejected' || k === 'conflicts' ? 'red.8' : 'teal.8') : 'dimmed'}>
              {formatNumber(n, lang)}
            </Text>
            <Text size="xs">{t(`pkg.summary.${k}`)}</Text>
          </Paper>
        ))}
      </SimpleGrid>
      <Stack gap="xs">
        {report.items.map((d, i) => (
          <Group key={i} gap="sm" align="flex-start" wrap="nowrap" data-testid="import-item" data-file={d.name} data-result={d.item?.result ?? 'rejected'}>
            <Badge color={RESULT_COLOR[d.item?.result ?? 'rejected']} variant="light" style={{ flexShrink: 0 }}>
              {t(`pkg.result.${d.item?.result ?? 'rejected'}`)}
            </Badge>
            <Stack gap={2} style={{ minWidth: 0 }}>
              <Text size="sm" fw={500} style={{ wordBreak: 'break-all' }}>
                {d.name}
                {d.item?.unitName ? ` — ${d.item.unitName}, ${d.item.year ?? ''}, ${t('ws.revisionN', { n: d.item.revision ?? '' })}` : ''}
              </Text>
              {d.item?.trustDecision && (
                <Text size="xs" c="dimmed">
                  {t(`pkg.decision.${d.item.trustDecision}`)}
                </Text>
              )}
              {d.item?.error && (
                <Text size="sm" c="red.8">
                  {pick(d.item.error.message)}
                </Text>
              )}
              {d.error && (
                <Text size="sm" c="red.8">
                  {d.error}
                </Text>
              )}
              {d.item && d.item.reasons.length > 0 && d.item.result === 'rejected' && <ReasonList reasons={d.item.reasons} color="red" />}
            </Stack>
          </Group>
        ))}
      </Stack>
      <Button variant="light" mt="md" onClick={onShowImported}>
        {t('pkg.seeImported')}
      </Button>
    </Paper>
  );
}
