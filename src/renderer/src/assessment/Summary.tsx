import { BarChart } from '@mantine/charts';
import { Alert, Anchor, Badge, Box, Button, Code, Group, List, Modal, Paper, Progress, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconBulb, IconDownload, IconFileTypeDocx, IconFileTypePdf, IconSend } from '@tabler/icons-react';
import { useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { UiCallOutput as CallOutput } from '../../../api/contract';
import { api, errorOf } from '../api';
import { SaveCopyButton } from '../components/SaveCopyButton';
import { reportUrl } from '../files';
import { pick } from '../i18n';
import { formatNumber } from '../lib/text';
import { JobProgress } from '../jobs/JobProgress';
import { useJob } from '../jobs/useJob';
import { ExportPackagePanel } from '../packages/ExportPackage';
import { MoveDraftOffer } from '../packs/MoveDraft';
import { ProvisionalBadge, VerdictBadge } from './bits';
import { CriterionPoints } from './Scoring';
import type { Workspace } from './useWorkspace';
import { formatSize } from './values';

type Report = CallOutput<'reports.selfAssessment'>;

/** The total against the threshold, the verdict with its reasons, points per criterion, the what-if, the pack. */
export function SummaryView({ ws, headingRef }: { ws: Workspace; headingRef: RefObject<HTMLHeadingElement | null> }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const d = ws.detail!;
  const r = d.result;
  const pct = (x: number) => (r.maxTotal ? (x / r.maxTotal) * 100 : 0);
  const color = r.verdict === 'recognised' ? 'teal' : r.verdict === 'not_recognised' ? 'red' : 'orange';
  const chartData = r.criteria.map((c) => ({ criterion: c.id, points: c.points, max: c.max }));

  return (
    <Stack gap="lg" data-testid="summary">
      <Title order={2} size="h3" ref={headingRef} tabIndex={-1} style={{ outline: 'none' }}>
        {t('ws.summaryTitle')}
      </Title>

      <Paper withBorder radius="md" p="lg">
        <Group justify="space-between" align="flex-end" mb="sm">
          <Stack gap={0}>
            <Text size="sm" c="dimmed">
              {t('ws.sum.total')}
            </Text>
            <Group gap={6} align="baseline">
              <Text fz={48} fw={800} lh={1} c={`${color}.8`} data-testid="summary-total" style={{ fontVariantNumeric: 'tabular-nums' }}>
                {formatNumber(r.total, lang)}
              </Text>
              <Text size="xl" c="dimmed">
                / {formatNumber(r.maxTotal, lang)}
              </Text>
            </Group>
          </Stack>
          <Stack gap={6} align="flex-end">
            <VerdictBadge verdict={r.verdict} size="xl" />
            <Text size="sm" c="dimmed">
              {t('ws.sum.threshold', { threshold: r.threshold, unitClass: pick(r.unitClassTitle) })}
            </Text>
          </Stack>
        </Group>
        <Box pos="relative" pt={18} pb={4}>
          <Progress.Root size={18} aria-label={t('ws.sum.barAria', { total: r.total, threshold: r.threshold, max: r.maxTotal })}>
            <Progress.Section value={pct(r.total)} color={color} />
          </Progress.Root>
          <Box
            pos="absolute"
            top={0}
            bottom={0}
            left={`${pct(r.threshold)}%`}
            style={{ borderLeft: '2px dashed var(--mantine-color-dark-4)' }}
            aria-hidden
          >
            <Text size="xs" fw={600} pos="absolute" top={-2} left={4} style={{ whiteSpace: 'nowrap' }}>
              {t('ws.sum.thresholdMark', { n: r.threshold })}
            </Text>
          </Box>
        </Box>
        <Text mt="md" fw={500} data-testid="summary-sentence">
          {pick(r.summary)}
        </Text>
        {r.reasons.length > 0 && (
          <List size="sm" mt="xs" spacing={4} data-testid="summary-reasons">
            {r.reasons.map((x, i) => (
              <List.Item key={i} icon={<IconAlertTriangle size={16} color="var(--mantine-color-orange-7)" />}>
                {pick(x.message)}
              </List.Item>
            ))}
          </List>
        )}
      </Paper>

      <MoveDraftOffer ws={ws} />

      <Actions ws={ws} />

      {d.status === 'submitted' && <ExportPackagePanel revisionId={d.id} />}

      <Paper withBorder radius="md" p="lg">
        <Title order={3} size="h4" mb="sm">
          {t('ws.sum.perCriterion')}
        </Title>
        <BarChart
          h={260}
          data={chartData}
          dataKey="criterion"
          series={[
            { name: 'points', label: t('ws.points'), color: 'teal.6' },
            { name: 'max', label: t('ws.sum.max'), color: 'gray.3' },
          ]}
          withLegend
          tickLine="y"
          aria-label={t('ws.sum.chartAria')}
        />
        <Table mt="md" striped verticalSpacing={6} fz="sm" data-testid="summary-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={40}>#</Table.Th>
              <Table.Th>{t('ws.sum.criterion')}</Table.Th>
              <Table.Th w={110}>{t('ws.points')}</Table.Th>
              <Table.Th w={110}></Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {r.criteria.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td>{c.id}</Table.Td>
                <Table.Td>
                  <Anchor href={`#/assessments/${d.id}/${c.id}`} size="sm" c="inherit">
                    {pick(c.title)}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <CriterionPoints c={c} size="sm" />
                </Table.Td>
                <Table.Td>{c.provisional && <ProvisionalBadge size="xs" />}</Table.Td>
              </Table.Tr>
            ))}
            <Table.Tr>
              <Table.Td />
              <Table.Td fw={700}>{t('ws.sum.total')}</Table.Td>
              <Table.Td fw={700}>
                {r.total}/{r.maxTotal}
              </Table.Td>
              <Table.Td />
            </Table.Tr>
          </Table.Tbody>
        </Table>
      </Paper>

      <WhatIf ws={ws} />

      <Paper withBorder radius="md" p="lg">
        <Title order={3} size="h4" mb="sm">
          {t('ws.sum.pack')}
        </Title>
        <Table variant="vertical" layout="fixed" fz="sm" data-testid="summary-pack">
          <Table.Tbody>
            <Table.Tr>
              <Table.Th w={180}>{t('ws.sum.packTitle')}</Table.Th>
              <Table.Td>{pick(d.pack.title)}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('ws.sum.packVersion')}</Table.Th>
              <Table.Td>
                {d.pack.id} {d.pack.version}
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>SHA-256</Table.Th>
              <Table.Td>
                <Code>{d.pack.sha256.slice(0, 12)}</Code>
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('ws.sum.packStatus')}</Table.Th>
              <Table.Td>
                <Group gap={6}>
                  <Badge color={d.pack.status === 'official' ? 'teal' : 'yellow'} variant="light">
                    {t(`ws.sum.packStatus_${d.pack.status}`)}
                  </Badge>
                  {d.pack.status === 'provisional' && r.provisionalNotice && <Text size="sm">{pick(r.provisionalNotice)}</Text>}
                </Group>
              </Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
      </Paper>
    </Stack>
  );
}

function WhatIf({ ws }: { ws: Workspace }) {
  const { t } = useTranslation();
  const w = ws.detail!.result.whatIf;
  if (!w) return null;
  return (
    <Paper withBorder radius="md" p="lg" data-testid="summary-whatif">
      <Group gap={8} mb="sm">
        <IconBulb size={20} color="var(--mantine-color-yellow-7)" />
        <Title order={3} size="h4">
          {t('ws.sum.whatIf')}
        </Title>
      </Group>
      {w.recognised ? (
        <Text size="sm">{t('ws.sum.whatIfDone')}</Text>
      ) : (
        <Stack gap="sm">
          <Text size="sm" fw={500}>
            {pick(w.plan.message)}
          </Text>
          {w.requiresData.length > 0 && (
            <Text size="sm" c="orange.8">
              {t('ws.sum.requiresData', { ids: w.requiresData.join(', ') })}
            </Text>
          )}
          {w.plan.steps.length > 0 && (
            <List type="ordered" size="sm" spacing={6}>
              {w.plan.steps.map((s, i) => (
                <List.Item key={i}>
                  {pick(s.text)}{' '}
                  <Badge size="xs" color="teal" variant="light">
                    +{s.gain}
                  </Badge>
                  {s.liftsCriterionFromZero && (
                    <Badge size="xs" color="orange" variant="light" ml={4}>
                      {t('ws.sum.liftsZero')}
                    </Badge>
                  )}
                </List.Item>
              ))}
            </List>
          )}
          {w.options.length > 0 && (
            <>
              <Text size="sm" fw={600} mt="xs">
                {t('ws.sum.options')}
              </Text>
              <Table fz="sm" verticalSpacing={4}>
                <Table.Tbody>
                  {w.options.slice(0, 8).map((s, i) => (
                    <Table.Tr key={i}>
                      <Table.Td w={50}>{s.indicatorId}</Table.Td>
                      <Table.Td>{pick(s.text)}</Table.Td>
                      <Table.Td w={70}>+{s.gain}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </>
          )}
        </Stack>
      )}
    </Paper>
  );
}

function Actions({ ws }: { ws: Workspace }) {
  const { t, i18n } = useTranslation();
  const d = ws.detail!;
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reportJob = useJob();
  const [reports, setReports] = useState<Partial<Record<'docx' | 'pdf', Report>>>({});

  const submit = async () => {
    setBusy('submit');
    setError(null);
    try {
      // The last edit typed must be stored before the revision is frozen and signed; a refused one stops the submit.
      const blocked = await ws.settle();
      if (blocked) {
        setConfirm(false);
        return setError(blocked);
      }
      ws.replaceDetail(await api.call('assessments.submit', { id: d.id }));
      setConfirm(false);
    } catch (e) {
      setError(pick(errorOf(e).message));
    } finally {
      setBusy(null);
    }
  };
  const report = async (format: 'docx' | 'pdf') => {
    setBusy(format);
    setError(null);
    try {
      const blocked = await ws.settle();
      if (blocked) return setError(blocked);
      const r = await reportJob.run('reports.selfAssessment', { id: d.id, format });
      if (!r) return;
      setReports((x) => ({ ...x, [format]: r }));
      const a = document.createElement('a');
      a.href = reportUrl(r.fileName);
      a.download = r.fileName;
      document.body.appendChild(a);
      a.click();
      a.remove();
    } catch (e) {
      setError(pick(errorOf(e).message));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Paper withBorder radius="md" p="lg">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
        <Stack gap="xs">
          <Title order={3} size="h4">
            {t('ws.sum.reports')}
          </Title>
          <Group gap="sm">
            <Button variant="light" leftSection={<IconFileTypeDocx size={18} />} loading={busy === 'docx'} disabled={reportJob.busy} onClick={() => void report('docx')}>
              {t('ws.sum.reportDocx')}
            </Button>
            <Button variant="light" leftSection={<IconFileTypePdf size={18} />} loading={busy === 'pdf'} disabled={reportJob.busy} onClick={() => void report('pdf')}>
              {t('ws.sum.reportPdf')}
            </Button>
          </Group>
          <JobProgress job={reportJob} testId="report-job" />
          {(['docx', 'pdf'] as const).map((f) => {
            const r = reports[f];
            return r ? (
              <Group key={f} gap="xs" wrap="nowrap">
                <Anchor href={reportUrl(r.fileName)} download={r.fileName} size="sm" data-testid={`report-link-${f}`}>
                  <Group gap={4} wrap="nowrap">
                    <IconDownload size={14} />
                    {r.fileName} ({formatSize(r.size, i18n.language)})
                  </Group>
                </Anchor>
                <SaveCopyButton route="reports" fileName={r.fileName} />
              </Group>
            ) : null;
          })}
        </Stack>
        <Stack gap="xs">
          <Title order={3} size="h4">
            {t('ws.sum.submitTitle')}
          </Title>
          {d.readOnly ? (
            <Text size="sm" c="dimmed">
              {t('ws.sum.alreadySubmitted')}
            </Text>
          ) : (
            <>
              <Text size="sm" c="dimmed">
                {d.progress.empty.length > 0 ? t('ws.sum.submitNeedsAll', { n: d.progress.empty.length }) : t('ws.sum.submitHelp')}
              </Text>
              <Group>
                <Button leftSection={<IconSend size={18} />} onClick={() => setConfirm(true)} disabled={d.progress.empty.length > 0}>
                  {t('ws.sum.submit')}
                </Button>
              </Group>
            </>
          )}
        </Stack>
      </SimpleGrid>
      {error && (
        <Alert color="red" mt="md" role="alert">
          {error}
        </Alert>
      )}
      <Modal opened={confirm} onClose={() => setConfirm(false)} title={t('ws.sum.confirmTitle')}>
        <Stack>
          <Text size="sm">{t('ws.sum.confirmText', { year: d.year, revision: d.revision })}</Text>
          <Text size="sm" fw={600}>
            {t('ws.totalLine', { total: d.result.total, max: d.result.maxTotal, threshold: d.result.threshold })} — {t(`ws.verdict.${d.result.verdict}`)}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirm(false)}>
              {t('common.cancel')}
            </Button>
            <Button onClick={() => void submit()} loading={busy === 'submit'}>
              {t('ws.sum.confirmSubmit')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}
