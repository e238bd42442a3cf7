import { Alert, Badge, Button, Center, Group, Loader, Modal, NumberInput, Paper, Progress, SegmentedControl, Select, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { IconCopy, IconFolderOpen, IconPlus } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Profile } from '../../../api/calls/profile';
import { api, errorOf, useCall } from '../api';
import { pick } from '../i18n';
import { editionDate } from '../lib/edition';
import { formatDate } from '../lib/text';
import { navigate } from '../lib/route';
import { CopiedBadge, ProvisionalBadge, StatusBadge, VerdictBadge } from './bits';
import type { Summary, UnitClass } from './types';
import { UnitClassFields, unitClassReasonProblem } from './UnitClassFields';

type StatusFilter = 'all' | 'draft' | 'submitted';

/** Every assessment revision, filtered by year and status; create, open, or start this year from last year's. */
export function AssessmentsPage({ profile }: { profile: Profile }) {
  const { t } = useTranslation();
  const [year, setYear] = useState<string | null>(null);
  const [status, setStatus] = useState<StatusFilter>('all');
  const list = useCall('assessments.list', { ...(year ? { year: Number(year) } : {}), ...(status !== 'all' ? { status } : {}) });
  const [creating, setCreating] = useState(false);
  const [duplicating, setDuplicating] = useState<Summary | null>(null);
  const items = useMemo(() => list.data?.items ?? [], [list.data]);
  const years = list.data?.years ?? [];
  const byId = useMemo(() => new Map(items.map((i) => [i.id, i])), [items]);

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>{t('nav.assessments')}</Title>
        <Button leftSection={<IconPlus size={18} />} onClick={() => setCreating(true)}>
          {t('ws.list.create')}
        </Button>
      </Group>
      <Group gap="md">
        <Select
          label={t('ws.list.year')}
          placeholder={t('ws.list.allYears')}
          data={years.map((y) => String(y))}
          value={year}
          onChange={setYear}
          clearable
          w={160}
        />
        <Stack gap={4}>
          <Text size="sm" fw={500} id="status-filter-label">
            {t('ws.list.status')}
          </Text>
          <SegmentedControl
            aria-labelledby="status-filter-label"
            value={status}
            onChange={(v) => setStatus(v as StatusFilter)}
            data={[
              { value: 'all', label: t('ws.list.all') },
              { value: 'draft', label: t('ws.status.draft') },
              { value: 'submitted', label: t('ws.status.submitted') },
            ]}
          />
        </Stack>
      </Group>
      {list.error && (
        <Alert color="red" title={t('common.error')} role="alert">
          {pick(list.error.message)}
        </Alert>
      )}
      {list.loading && !list.data && (
        <Center h={120}>
          <Loader aria-label={t('common.loading')} />
        </Center>
      )}
      {list.data && items.length === 0 && (
        <Paper withBorder p="xl" radius="md">
          <Stack align="center" gap="sm">
            <Text c="dimmed">{year || status !== 'all' ? t('ws.list.noneFiltered') : t('ws.list.none')}</Text>
            <Button variant="light" leftSection={<IconPlus size={18} />} onClick={() => setCreating(true)}>
              {t('ws.list.create')}
            </Button>
          </Stack>
        </Paper>
      )}
      {items.length > 0 && (
        <Paper withBorder radius="md">
          <Table highlightOnHover verticalSpacing="sm" data-testid="assessments-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('ws.list.unit')}</Table.Th>
                <Table.Th>{t('ws.list.year')}</Table.Th>
                <Table.Th>{t('ws.list.revision')}</Table.Th>
                <Table.Th>{t('ws.list.status')}</Table.Th>
                <Table.Th>{t('ws.list.total')}</Table.Th>
                <Table.Th>{t('ws.list.verdict')}</Table.Th>
                <Table.Th>{t('ws.list.progress')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((a) => (
                <Table.Tr key={a.id} data-testid={`row-${a.id}`}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {a.unit.name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {a.unit.path.startsWith(`${a.unit.name}, `) ? a.unit.path.slice(a.unit.name.length + 2) : a.unit.path}
                    </Text>
                  </Table.Td>
                  <Table.Td>{a.year}</Table.Td>
                  <Table.Td>{a.revision}</Table.Td>
                  <Table.Td miw={150}>
                    <StatusBadge status={a.status} superseded={a.superseded} vertical />
                  </Table.Td>
                  <Table.Td style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
                    <Text size="sm" fw={600} span>
                      {a.total}
                    </Text>
                    <Text size="sm" c="dimmed" span>
                      {' '}
                      / {a.threshold}
                    </Text>
                  </Table.Td>
                  <Table.Td miw={120}>
                    <Stack gap={4} align="flex-start">
                      <VerdictBadge verdict={a.verdict} size="sm" />
                      {a.provisional && <ProvisionalBadge size="xs" />}
                      {a.copiedFrom && <CopiedBadge year={byId.get(a.copiedFrom)?.year} />}
                    </Stack>
                  </Table.Td>
                  <Table.Td miw={130}>
                    <Text size="xs">{t('ws.list.filled', { filled: a.filled, total: a.indicators })}</Text>
                    <Progress value={a.indicators ? (a.filled / a.indicators) * 100 : 0} size="sm" aria-hidden />
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap" justify="flex-end">
                      <Button
                        size="xs"
                        leftSection={<IconFolderOpen size={14} />}
                        component="a"
                        href={`#/assessments/${a.id}`}
                        aria-label={t('ws.list.openAria', { year: a.year, revision: a.revision })}
                      >
                        {t('ws.list.open')}
                      </Button>
                      <Tooltip label={t('ws.list.duplicateHelp')} multiline w={260}>
                        <Button size="xs" variant="default" leftSection={<IconCopy size={14} />} onClick={() => setDuplicating(a)}>
                          {t('ws.list.duplicate')}
                        </Button>
                      </Tooltip>
                    </Group>
                    <Text size="xs" c="dimmed" ta="right" mt={2}>
                      {formatDate(a.updatedAt)}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
      <CreateModal opened={creating} onClose={() => setCreating(false)} profile={profile} latest={items[0] ?? null} onDuplicate={(a) => (setCreating(false), setDuplicating(a))} />
      <DuplicateModal from={duplicating} profile={profile} onClose={() => setDuplicating(null)} />
    </Stack>
  );
}

function CreateModal({
  opened,
  onClose,
  profile,
  latest,
  onDuplicate,
}: {
  opened: boolean;
  onClose(): void;
  profile: Profile;
  latest: Summary | null;
  onDuplicate(a: Summary): void;
}) {
  const { t } = useTranslation();
  const unit = profile.unit;
  const isCommune = unit.level === 'commune';
  const defaultClass = (unit.defaultUnitClass ?? null) as UnitClass | null;
  const [year, setYear] = useState<string | number>(new Date().getFullYear());
  const [unitClass, setUnitClass] = useState<UnitClass>(defaultClass ?? 'other');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const reasonProblem = unitClassReasonProblem(unitClass, defaultClass, reason);

  const create = async () => {
    if (typeof year !== 'number' || !Number.isInteger(year) || year < 2019 || year > 2100) return setError(t('ws.list.badYear'));
    if (reasonProblem) return setError(t('ws.unitClass.needReason'));
    setBusy(true);
    setError(null);
    try {
      const d = await api.call('assessments.create', {
        unitCode: unit.code,
        year,
        unitClass,
        ...(reason.trim() ? { unitClassReason: reason.trim() } : {}),
      });
      onClose();
      navigate(`assessments/${d.id}`);
    } catch (e) {
      setError(pick(errorOf(e).message));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title={t('ws.list.createTitle')} size="lg">
      <Stack>
        {!isCommune && (
          <Alert color="orange" variant="light">
            {t('ws.list.communeOnly')}
          </Alert>
        )}
        <Stack gap={2}>
          <Text size="sm" fw={500}>
            {t('ws.list.unit')}
          </Text>
          <Text data-testid="create-unit">
            {unit.name}
            {unit.ancestors.length > 0 && (
              <Text span c="dimmed">
                {', ' + unit.ancestors.map((a) => a.name).reverse().join(', ')}
              </Text>
            )}
          </Text>
        </Stack>
        <NumberInput label={t('ws.list.year')} value={year} onChange={setYear} min={2019} max={2100} allowDecimal={false} w={160} />
        <UnitClassFields
          value={unitClass}
          defaultClass={defaultClass}
          reason={reason}
          onChange={setUnitClass}
          onReason={setReason}
          reasonError={reasonProblem && error ? t('ws.unitClass.needReason') : undefined}
        />
        {latest && (
          <Alert color="grape" variant="light" icon={<IconCopy />}>
            <Stack gap={6}>
              <Text size="sm">{t('ws.list.fromLatest', { year: latest.year, revision: latest.revision })}</Text>
              <Group>
                <Button size="xs" variant="light" color="grape" onClick={() => onDuplicate(latest)}>
                  {t('ws.list.duplicateFrom', { year: latest.year })}
                </Button>
              </Group>
            </Stack>
          </Alert>
        )}
        {error && (
          <Text c="red" size="sm" role="alert">
            {error}
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button onClick={() => void create()} loading={busy} disabled={!isCommune}>
            {t('ws.list.createSubmit')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/**
 * Start a year from an earlier assessment: of the unit itself, or — across the 2025 reform — of an old commune that went
 * into the profile's commune (Xã Mỹ Cẩm 2024 → Xã Càng Long 2026). The copy is filed under the profile's commune; what
 * came from where is shown before the new assessment is opened.
 */
function DuplicateModal({ from, profile, onClose }: { from: Summary | null; profile: Profile; onClose(): void }) {
  const { t } = useTranslation();
  const [year, setYear] = useState<string | number>(new Date().getFullYear());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [picked, setPicked] = useState<string | null>(null);
  const [done, setDone] = useState<{ id: string; message: { vi: string; en: string } } | null>(null);
  const commune = profile.unit.level === 'commune';
  const validYear = typeof year === 'number' && Number.isInteger(year) && year >= 2019 && year <= 2100;
  const sources = useCall('assessments.sources', from && commune && validYear ? { unitCode: profile.unit.code, unitEdition: profile.unit.edition, year } : null);
  const items = sources.data?.items ?? [];
  const sourceId = picked ?? from?.id ?? null;
  const source = items.find((i) => i.id === sourceId);
  const close = () => {
    setDone(null);
    setPicked(null);
    onClose();
  };
  const go = async () => {
    if (!from || !sourceId) return;
    if (!validYear) return setError(t('ws.list.badYear'));
    setBusy(true);
    setError(null);
    try {
      // Filed under the profile's commune (one of the source's successors when the source is an old unit).
      const into = commune && (source?.relation === 'predecessor' || from.unit.edition !== profile.unit.edition) ? { unitCode: profile.unit.code, unitEdition: profile.unit.edition } : {};
      const d = await api.call('assessments.duplicate', { fromId: sourceId, year, ...into });
      const { from: f, into: to } = d.copied;
      // Into another unit (across the reform): say what came from where before opening it; else open it at once.
      if (f.unit.code !== to.unit.code || f.unit.edition !== to.unit.edition) setDone({ id: d.id, message: d.copied.message });
      else {
        close();
        navigate(`assessments/${d.id}`);
      }
    } catch (e) {
      setError(pick(errorOf(e).message));
    } finally {
      setBusy(false);
    }
  };
  if (done) {
    return (
      <Modal opened={from !== null} onClose={close} title={t('ws.list.duplicateTitle')} size="lg">
        <Stack>
          <Alert color="teal" data-testid="copy-note">{pick(done.message)}</Alert>
          <Group justify="flex-end">
            <Button
              onClick={() => {
                close();
                navigate(`assessments/${done.id}`);
              }}
              data-testid="copy-open"
            >
              {t('reformHistory.copy.done')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    );
  }
  return (
    <Modal opened={from !== null} onClose={close} title={t('ws.list.duplicateTitle')} size="lg">
      <Stack>
        <Text size="sm">{from ? t('ws.list.duplicateText', { year: from.year, revision: from.revision, unit: from.unit.name }) : ''}</Text>
        <NumberInput label={t('ws.list.targetYear')} value={year} onChange={setYear} min={2019} max={2100} allowDecimal={false} w={160} />
        {items.length > 0 && (
          <Select
            label={t('reformHistory.copy.source')}
            data={items.map((i) => ({
              value: i.id,
              label:
                i.relation === 'same'
                  ? t('reformHistory.copy.own', { unit: i.unit.name, year: i.year, revision: i.revision })
                  : t('reformHistory.copy.predecessor', { unit: i.unit.name, code: i.unit.code, date: editionDate(i.unit.edition), year: i.year, revision: i.revision }),
            }))}
            value={sourceId}
            onChange={(v) => v && setPicked(v)}
            allowDeselect={false}
            data-testid="copy-source"
          />
        )}
        {commune && (
          <Text size="sm" c="dimmed" data-testid="copy-into">
            {t('reformHistory.copy.into', { unit: profile.unit.name, code: profile.unit.code, date: editionDate(profile.unit.edition) })}
          </Text>
        )}
        <Badge color="grape" variant="light" w="fit-content">
          {t('ws.copied')}
        </Badge>
        {error && (
          <Text c="red" size="sm" role="alert">
            {error}
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {t('common.cancel')}
          </Button>
          <Button onClick={() => void go()} loading={busy} data-testid="copy-submit">
            {t('ws.list.duplicateSubmit')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
