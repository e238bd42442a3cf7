import { Alert, Button, Group, Loader, Select, Stack, Table, Text } from '@mantine/core';
import { IconEye } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCall } from '../api';
import { pick } from '../i18n';
import { formatDate, formatNumber } from '../lib/text';
import { Fingerprint, StateBadge, type PackageSummary } from './bits';
import { PackageDrawer } from './PackageDrawer';

type State = PackageSummary['state'];
type Kind = PackageSummary['kind'];

/** Imported packages with filters (year, state, kind), newest year first; a drawer shows one in full. */
export function ImportedTab({ version }: { version: number }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [year, setYear] = useState<string | null>(null);
  const [state, setState] = useState<string | null>(null);
  const [kind, setKind] = useState<string | null>(null);
  const [open, setOpen] = useState<PackageSummary | null>(null);
  const all = useCall('packages.list', {});
  const input = useMemo(
    () => ({
      ...(year ? { year: Number(year) } : {}),
      ...(state ? { state: state as State } : {}),
      ...(kind ? { kind: kind as Kind } : {}),
    }),
    [year, state, kind],
  );
  const list = useCall('packages.list', input);
  const reloadAll = all.reload;
  const reloadList = list.reload;
  useEffect(() => {
    if (version === 0) return;
    void reloadAll();
    void reloadList();
  }, [version, reloadAll, reloadList]);

  const years = [...new Set((all.data?.items ?? []).map((p) => p.year))].sort((a, b) => b - a);
  const items = list.data?.items ?? [];
  const filtered = year !== null || state !== null || kind !== null;

  return (
    <Stack gap="md">
      <Group gap="sm" align="flex-end">
        <Select
          label={t('pkg.filterYear')}
          placeholder={t('pkg.all')}
          data={years.map(String)}
          value={year}
          onChange={setYear}
          clearable
          w={140}
        />
        <Select
          label={t('pkg.filterState')}
          placeholder={t('pkg.all')}
          data={(['current', 'superseded', 'conflict'] as const).map((s) => ({ value: s, label: t(`pkg.state.${s}`) }))}
          value={state}
          onChange={setState}
          clearable
          w={200}
        />
        <Select
          label={t('pkg.filterKind')}
          placeholder={t('pkg.all')}
          data={(['self-assessment', 'review'] as const).map((k) => ({ value: k, label: t(`pkg.kind.${k}`) }))}
          value={kind}
          onChange={setKind}
          clearable
          w={200}
        />
      </Group>
      {list.error && (
        <Alert color="red" role="alert">
          {pick(list.error.message)}
        </Alert>
      )}
      {list.loading && !list.data && <Loader size="sm" aria-label={t('common.loading')} />}
      {list.data && items.length === 0 && <Text c="dimmed">{filtered ? t('pkg.noneFiltered') : t('pkg.noneImported')}</Text>}
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={960}>
          <Table verticalSpacing="sm" fz="sm" striped highlightOnHover data-testid="imported-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('pkg.col.unit')}</Table.Th>
                <Table.Th w={60}>{t('pkg.col.year')}</Table.Th>
                <Table.Th w={50}>{t('pkg.col.revision')}</Table.Th>
                <Table.Th>{t('pkg.col.kind')}</Table.Th>
                <Table.Th>{t('pkg.col.total')}</Table.Th>
                <Table.Th>{t('pkg.col.state')}</Table.Th>
                <Table.Th>{t('pkg.col.decision')}</Table.Th>
                <Table.Th>{t('pkg.col.signer')}</Table.Th>
                <Table.Th>{t('pkg.col.importedAt')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((p) => (
                <Table.Tr key={p.manifestSha256} data-testid="imported-row" data-state={p.state}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {p.unit.name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {p.unit.code}
                    </Text>
                  </Table.Td>
                  <Table.Td>{p.year}</Table.Td>
                  <Table.Td>{p.revision}</Table.Td>
                  <Table.Td>{t(`pkg.kind.${p.kind}`)}</Table.Td>
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {formatNumber(p.total, lang)}
                    </Text>
                    <Text size="xs">{t(`ws.verdict.${p.verdict}`, { defaultValue: p.verdict })}</Text>
                  </Table.Td>
                  <Table.Td>
                    <StateBadge state={p.state} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c={p.trustDecision === 'verified' ? undefined : 'orange.8'}>
                      {t(`pkg.decision.${p.trustDecision}`)}
                    </Text>
                    {p.decisionReason && (
                      <Text size="xs" c="dimmed">
                        {p.decisionReason}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{p.signer.name}</Text>
                    <Fingerprint value={p.signer.fingerprint} size="xs" />
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDate(p.importedAt)}</Table.Td>
                  <Table.Td>
                    <Button
                      variant="light"
                      size="xs"
                      leftSection={<IconEye size={16} />}
                      onClick={() => setOpen(p)}
                      aria-label={t('pkg.openAria', { unit: p.unit.name, year: p.year, revision: p.revision })}
                    >
                      {t('pkg.open')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <PackageDrawer summary={open} onClose={() => setOpen(null)} />
    </Stack>
  );
}
