import { BarChart, LineChart } from '@mantine/charts';
import { Alert, Badge, Button, Group, List, Loader, Paper, Progress, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconDownload, IconTarget } from '@tabler/icons-react';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Profile } from '../../../api/calls/profile';
import { errorOf, useCall } from '../api';
import { ProvisionalBadge } from '../assessment/bits';
import { SaveCopyButton } from '../components/SaveCopyButton';
import { reportUrl } from '../files';
import { pick } from '../i18n';
import { JobProgress } from '../jobs/JobProgress';
import { useJob } from '../jobs/useJob';
import { formatNumber } from '../lib/text';
import { CommuneDrawer } from './CommuneDrawer';
import { CommuneTable } from './CommuneTable';
import { HistoryPanel } from './HistoryPanel';
import { TargetsModal } from './TargetsModal';

function provinceOf(profile: Profile): string {
  return profile.unit.level === 'province' ? profile.unit.code : (profile.unit.ancestors[0]?.code ?? profile.unit.code);
}

function Kpi({ label, value, hint, testId, children }: { label: string; value: string; hint?: string; testId: string; children?: ReactNode }) {
  return (
    <Paper withBorder p="md" data-testid={testId}>
      <Text size="xs" tt="uppercase" c="dimmed" fw={600}>{label}</Text>
      <Text fz={28} fw={700} data-testid={`${testId}-value`}>{value}</Text>
      {hint && <Text size="xs" c="dimmed">{hint}</Text>}
      {children}
    </Paper>
  );
}

/** The province dashboard: where the province stands against its plan, and which criteria hold its communes back. */
export function DashboardPage({ profile }: { profile: Profile }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const n = (x: number, d = 0) => formatNumber(x, lang, d);
  const province = provinceOf(profile);
  const years = useCall('dashboard.years', {});
  const districts = useCall('units.children', { code: province });
  const [year, setYear] = useState<number | null>(null);
  const [district, setDistrict] = useState<string | null>(null);
  const [open, setOpen] = useState<{ code: string; edition?: string } | null>(null);
  const [groupBy, setGroupBy] = useState<'unit' | 'former_province' | 'former_district'>('unit');
  const [targetsOpen, setTargetsOpen] = useState(false);
  const [exportMsg, setExportMsg] = useState<{ ok: boolean; text: string; url?: string; fileName?: string } | null>(null);
  const [exporting, setExporting] = useState<string | null>(null);
  const exportJob = useJob();

  useEffect(() => {
    const ys = years.data?.withPackages;
    if (year === null && ys && ys.length > 0) setYear(ys[ys.length - 1]!);
  }, [years.data, year]);

  const scope = district ?? province;
  const input = year === null ? null : { year, scope };
  const grouped = year === null ? null : { year, scope, ...(groupBy !== 'unit' ? { groupBy } : {}) };
  const ov = useCall('dashboard.overview', grouped);
  const fc = useCall('dashboard.failingCriteria', input);
  const ri = useCall('dashboard.rateIndicators', input);
  const tr = useCall('dashboard.trend', { scope });
  const cs = useCall('dashboard.communes', grouped);

  const byGroup = useMemo(
    () => (ov.data?.rows ?? []).map((r) => ({ name: r.name.replace(/^(Huyện|Thị xã|Thành phố|Quận) /, ''), rate: Math.round((r.ratePercent ?? 0) * 10) / 10 })),
    [ov.data],
  );
  const trend = useMemo(
    () => (tr.data?.points ?? []).map((p) => ({ year: String(p.year), rate: Math.round((p.ratePercent ?? 0) * 10) / 10, target: p.target?.ratePercent ?? null })),
    [tr.data],
  );

  const doExport = async (format: 'xlsx' | 'csv' | 'json') => {
    if (year === null) return;
    setExporting(format);
    try {
      const r = await exportJob.run('dashboard.export', { year, scope, format });
      if (!r) return;
      setExportMsg({ ok: true, text: t('dash.exported', { file: r.fileName }), url: reportUrl(r.fileName), fileName: r.fileName });
      const a = document.createElement('a');
      a.href = reportUrl(r.fileName);
      a.download = r.fileName;
      document.body.appendChild(a);
      a.click();
      a.remove();
    } catch (e) {
      setExportMsg({ ok: false, text: pick(errorOf(e).message) });
    } finally {
      setExporting(null);
    }
  };

  if (years.data && years.data.withPackages.length === 0) {
    return (
      <Stack>
        <Title order={2}>{t('dash.title')}</Title>
        <Alert color="blue" data-testid="dash-empty">{t('dash.noData')}</Alert>
      </Stack>
    );
  }
  const total = ov.data?.total;
  const error = ov.error ?? cs.error ?? fc.error ?? ri.error ?? tr.error ?? years.error;
  const districtItems = (districts.data?.items ?? []).filter((d) => d.level === 'district');
  // A province of the 2025 structure (no districts): its figures may be grouped by the former provinces and districts.
  const twoTier = districts.data !== undefined && districtItems.length === 0 && profile.unit.level === 'province';
  const beforeReform = (ov.data?.scope.formerProvinces.length ?? 0) > 0;
  const byFormer = beforeReform || ov.data?.scope.groupBy !== 'unit';

  return (
    <Stack gap="lg" data-testid="dashboard">
      <Group justify="space-between" align="end">
        <Title order={2}>{t('dash.title')}</Title>
        <Group align="end">
          <Select
            label={t('dash.year')}
            w={110}
            data={(years.data?.withPackages ?? []).map((y) => String(y))}
            value={year === null ? null : String(year)}
            onChange={(v) => v && setYear(Number(v))}
            allowDeselect={false}
            data-testid="dash-year"
          />
          {districtItems.length > 0 && (
            <Select
              label={profile.unit.ancestors[0]?.name ?? profile.unit.name}
              w={240}
              data={[{ value: '', label: t('dash.allDistricts') }, ...districtItems.map((d) => ({ value: d.code, label: d.name }))]}
              value={district ?? ''}
              onChange={(v) => setDistrict(v || null)}
              allowDeselect={false}
              data-testid="dash-district"
            />
          )}
          {twoTier && (
            <Select
              label={t('reformHistory.groupBy')}
              w={170}
              data={[
                { value: 'unit', label: t('reformHistory.groupUnit') },
                { value: 'former_province', label: t('reformHistory.groupFormerProvince') },
                { value: 'former_district', label: t('reformHistory.groupFormerDistrict') },
              ]}
              value={groupBy}
              onChange={(v) => v && setGroupBy(v as typeof groupBy)}
              allowDeselect={false}
              data-testid="dash-group-by"
            />
          )}
          <Button variant="default" leftSection={<IconTarget size={16} />} onClick={() => setTargetsOpen(true)} data-testid="open-targets">
            {t('dash.targets')}
          </Button>
          {(['xlsx', 'csv', 'json'] as const).map((f) => (
            <Button key={f} variant={f === 'xlsx' ? 'filled' : 'light'} leftSection={<IconDownload size={16} />} loading={exporting === f} onClick={() => void doExport(f)} data-testid={`export-${f}`}>
              {f.toUpperCase()}
            </Button>
          ))}
        </Group>
      </Group>
      <JobProgress job={exportJob} testId="dash-export-job" />
      {exportMsg && (
        <Alert color={exportMsg.ok ? 'teal' : 'red'} withCloseButton onClose={() => setExportMsg(null)} data-testid="export-result">
          {exportMsg.text}
          {exportMsg.url && (
            <>
              {' '}
              <a href={exportMsg.url}>{exportMsg.url}</a>
            </>
          )}
          {exportMsg.fileName && <SaveCopyButton route="reports" fileName={exportMsg.fileName} />}
        </Alert>
      )}
      {error && <Alert color="red">{pick(error.message)}</Alert>}
      {!total && !error && <Loader />}
      {total && (
        <>
          {total.provisional > 0 && (
            <Alert color="yellow" icon={<IconAlertTriangle />} data-testid="dash-provisional">
              <Group gap="xs">
                <ProvisionalBadge notice={fc.data?.pack?.provisionalNotice} />
                <Text size="sm">
                  {t('dash.provisionalNotice', { n: n(total.provisional), total: n(total.assessed) })} {fc.data?.pack?.provisionalNotice ? pick(fc.data.pack.provisionalNotice) : ''}
                </Text>
              </Group>
            </Alert>
          )}
          <SimpleGrid cols={{ base: 2, md: 4 }}>
            <Kpi testId="kpi-communes" label={t('dash.communes')} value={n(total.communes)} hint={ov.data?.scope.name} />
            <Kpi testId="kpi-assessed" label={t('dash.assessed')} value={n(total.assessed)} hint={t('dash.assessedHint', { reviewed: n(total.reviewed), self: n(total.selfOnly) })} />
            <Kpi testId="kpi-recognised" label={t('dash.recognised')} value={n(total.recognised)} hint={t('dash.recognisedHint', { self: n(total.recognisedSelf) })} />
            <Kpi testId="kpi-rate" label={t('dash.rate')} value={total.ratePercent === null ? '—' : `${n(total.ratePercent, 1)}%`}>
              {total.target ? (
                <>
                  <Progress.Root size="lg" mt={6} aria-label={t('dash.rate')}>
                    <Progress.Section value={Math.min(100, total.ratePercent ?? 0)} color={(total.gapPoints ?? -1) >= 0 ? 'teal' : 'orange'} />
                  </Progress.Root>
                  <Text size="xs" mt={4} data-testid="kpi-target">
                    {t('dash.target', { rate: n(total.target.ratePercent), year: total.target.year })} · {t('dash.gap', { gap: `${(total.gapPoints ?? 0) >= 0 ? '+' : ''}${n(total.gapPoints ?? 0, 1)}` })}
                  </Text>
                </>
              ) : (
                <Text size="xs">{t('dash.noTarget')}</Text>
              )}
            </Kpi>
          </SimpleGrid>
          {total.conflicts > 0 && <Alert color="grape">{t('dash.conflicts', { n: total.conflicts })}</Alert>}
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Paper withBorder p="md">
              <Title order={4} mb="sm" data-testid="chart-groups-title">
                {ov.data?.scope.level === 'country' ? t('dash.byProvince') : byFormer ? t('reformHistory.byFormer') : t('dash.byDistrict')}
              </Title>
              <BarChart
                h={260}
                data={byGroup}
                dataKey="name"
                series={[{ name: 'rate', label: t('dash.ratePct'), color: 'teal.6' }]}
                referenceLines={total.target ? [{ y: total.target.ratePercent, label: t('dash.target', { rate: total.target.ratePercent, year: total.target.year }), color: 'red.6' }] : []}
                yAxisProps={{ domain: [0, 100] }}
                xAxisProps={{ interval: 0, angle: -35, textAnchor: 'end', height: 70, tick: { fontSize: 10 } }}
                tickLine="y"
                data-testid="chart-groups"
              />
            </Paper>
            <Paper withBorder p="md">
              <Title order={4} mb="sm">{t('dash.trend')}</Title>
              <LineChart
                h={260}
                data={trend}
                dataKey="year"
                series={[
                  { name: 'rate', label: t('dash.ratePct'), color: 'teal.6' },
                  { name: 'target', label: t('dash.targetPct'), color: 'red.6', strokeDasharray: '5 5' },
                ]}
                yAxisProps={{ domain: [0, 100] }}
                referenceLines={(tr.data?.reforms ?? []).map((r) => ({ x: String(r.year), label: t('dashReform.marker'), color: 'orange.6' }))}
                withLegend
                connectNulls
                data-testid="chart-trend"
              />
            </Paper>
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, lg: 2 }}>
            <Paper withBorder p="md">
              <Title order={4} mb="sm">{t('dash.failing')}</Title>
              <Table striped fz="sm" verticalSpacing={4} data-testid="failing-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('dash.criterion')}</Table.Th>
                    <Table.Th ta="right">{t('dash.zeros')}</Table.Th>
                    <Table.Th ta="right">{t('dash.share')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {fc.data?.items.map((c) => (
                    <Table.Tr key={c.id}>
                      <Table.Td>
                        <Group gap={4} wrap="nowrap">
                          <Text size="sm" fw={600}>{c.id}.</Text>
                          <Text size="sm" lineClamp={1} title={pick(c.title)}>{pick(c.title)}</Text>
                          {c.provisional && <ProvisionalBadge size="xs" />}
                        </Group>
                      </Table.Td>
                      <Table.Td ta="right">
                        {n(c.zeros)} {c.zeroPercent !== null && <Text span size="xs" c="dimmed">({n(c.zeroPercent, 1)}%)</Text>}
                      </Table.Td>
                      <Table.Td ta="right">{c.averageSharePercent === null ? '—' : `${n(c.averageSharePercent, 1)}%`}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Paper>
            <Paper withBorder p="md">
              <Title order={4} mb="sm">{t('dash.rates')}</Title>
              <Table striped fz="sm" verticalSpacing={4} data-testid="rates-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('dash.indicator')}</Table.Th>
                    <Table.Th ta="right">{t('dash.value')}</Table.Th>
                    <Table.Th>{t('dash.plan')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {ri.data?.items.map((r) => (
                    <Table.Tr key={r.id} data-testid={`rate-${r.id}`}>
                      <Table.Td>
                        <Group gap={4} wrap="nowrap">
                          <Text size="sm" fw={600}>{r.id}</Text>
                          <Text size="sm" lineClamp={1} title={`${pick(r.numeratorLabel)} / ${pick(r.denominatorLabel)}`}>{pick(r.title)}</Text>
                        </Group>
                        <Text size="xs" c="dimmed">
                          {n(r.numerator)} / {n(r.denominator)} · {t('dash.reporting')}: {n(r.reporting)}
                        </Text>
                      </Table.Td>
                      <Table.Td ta="right" fw={600}>{r.ratePercent === null ? '—' : `${n(r.ratePercent, 2)}%`}</Table.Td>
                      <Table.Td>
                        {r.plan ? (
                          <Badge variant="light" color={r.plan.met === null ? 'gray' : r.plan.met ? 'teal' : 'orange'} style={{ textTransform: 'none' }}>
                            {r.plan.kind === 'max' ? '<' : '≥'} {r.plan.percent}% · {r.plan.met === null ? '—' : r.plan.met ? t('dash.met') : t('dash.notMet')}
                          </Badge>
                        ) : (
                          <Text size="xs" c="dimmed">{t('dash.noPlan')}</Text>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              {ri.data && <Text size="xs" c="dimmed" mt={4}>{ri.data.planSource}</Text>}
            </Paper>
          </SimpleGrid>
          <Paper withBorder p="md">
            <Title order={4} mb="sm">{t('dash.table')}</Title>
            {cs.data ? <CommuneTable rows={cs.data.rows} onOpen={(code) => setOpen({ code, ...(ov.data ? { edition: ov.data.scope.edition } : {}) })} /> : <Loader />}
          </Paper>
          {beforeReform && year !== null && <HistoryPanel year={year} scope={scope} onOpen={(code) => setOpen({ code })} />}
          <Paper withBorder p="md">
            <Title order={5} mb="xs">{t('dash.rules')}</Title>
            <List size="xs" spacing={2}>
              {ov.data?.countingRules.map((r, k) => <List.Item key={k}>{pick(r)}</List.Item>)}
            </List>
          </Paper>
        </>
      )}
      <CommuneDrawer code={open?.code ?? null} edition={open?.edition} onClose={() => setOpen(null)} />
      <TargetsModal opened={targetsOpen} onClose={() => setTargetsOpen(false)} provinceCode={province} onChanged={() => {
          void ov.reload();
          void tr.reload();
        }} />
    </Stack>
  );
}
