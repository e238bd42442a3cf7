import {
  Alert,
  Anchor,
  Badge,
  Box,
  Button,
  Center,
  Grid,
  Group,
  Kbd,
  Loader,
  Modal,
  NavLink,
  Paper,
  Popover,
  Progress,
  RingProgress,
  Stack,
  Text,
  ThemeIcon,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import {
  IconAlertTriangle,
  IconArrowLeft,
  IconArrowRight,
  IconCheck,
  IconCircleCheck,
  IconCopy,
  IconHistory,
  IconLock,
  IconReportAnalytics,
} from '@tabler/icons-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorOf, useCall } from '../api';
import { pick } from '../i18n';
import { navigate } from '../lib/route';
import { AuditDrawer } from './Audit';
import { PointsBadge, ProvisionalBadge, StatusBadge, VerdictBadge } from './bits';
import { IndicatorCard } from './IndicatorCard';
import { CriterionPoints } from './Scoring';
import { SummaryView } from './Summary';
import type { Detail, UnitClass } from './types';
import { UnitClassFields, unitClassReasonProblem } from './UnitClassFields';
import { useWorkspace, type Workspace } from './useWorkspace';
import { AutosaveStatus, RefusedEdits } from '../autosave/AutosaveStatus';

/** The guided entry of one revision: 13 criteria and the summary, saved as you type. */
export function WorkspacePage({ id, view }: { id: string; view: string | undefined }) {
  const { t } = useTranslation();
  const ws = useWorkspace(id);
  const settings = useCall('settings.get', {});
  const [history, setHistory] = useState<{ open: boolean; indicatorId: string | null }>({ open: false, indicatorId: null });
  const [focusIndicator, setFocusIndicator] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const criteria = ws.pack?.criteria ?? [];
  const isSummary = view === 'summary';
  const currentIndex = isSummary ? criteria.length : Math.max(0, criteria.findIndex((c) => c.id === view));
  const go = (i: number) => {
    if (i < 0 || i > criteria.length) return;
    // The autosave belongs to the page: what was typed on this step keeps saving while the next one opens.
    navigate(`assessments/${id}/${i === criteria.length ? 'summary' : criteria[i]!.id}`);
  };
  useHotkeys(
    [
      ['alt+ArrowRight', () => go(currentIndex + 1)],
      ['alt+ArrowLeft', () => go(currentIndex - 1)],
    ],
    [],
  );

  // A new step: focus its heading (screen readers announce it), or the indicator picked from the empty list.
  const loaded = ws.detail !== null;
  useEffect(() => {
    if (!loaded) return;
    if (focusIndicator) {
      const el = document.getElementById(`ind-${focusIndicator}`);
      if (el) {
        el.scrollIntoView({ block: 'center' });
        el.querySelector<HTMLElement>('input, textarea')?.focus({ preventScroll: true });
        setFocusIndicator(null);
        return;
      }
    }
    headingRef.current?.focus({ preventScroll: false });
    window.scrollTo({ top: 0 });
  }, [currentIndex, focusIndicator, loaded]);

  if (ws.error) {
    return (
      <Stack maw={720}>
        <Alert color="red" title={t('common.error')} role="alert">
          {pick(ws.error.message)}
        </Alert>
        <Group>
          <Button onClick={() => void ws.reload()}>{t('common.retry')}</Button>
          <Button variant="default" onClick={() => navigate('assessments')}>
            {t('ws.backToList')}
          </Button>
        </Group>
      </Stack>
    );
  }
  if (!ws.detail || !ws.pack) {
    return (
      <Center h={300}>
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }

  const d = ws.detail;
  const result = d.result;
  const readOnly = d.readOnly;
  const empty = new Set(d.progress.empty);
  const maxMb = settings.data?.evidenceMaxMb ?? 25;
  const criterion = isSummary ? null : criteria[currentIndex]!;
  const cres = criterion ? result.criteria.find((c) => c.id === criterion.id) : undefined;
  const jump = (iid: string) => {
    const c = criteria.find((x) => x.indicators.some((i) => i.id === iid));
    if (!c) return;
    setFocusIndicator(iid);
    navigate(`assessments/${id}/${c.id}`);
  };

  return (
    <Stack gap="md" data-testid="workspace">
      <Header ws={ws} d={d} onHistory={() => setHistory({ open: true, indicatorId: null })} />
      {result.provisional && result.provisionalNotice && (
        <Alert color="yellow" variant="light" icon={<IconAlertTriangle />} py="xs" data-testid="provisional-notice">
          <Text size="sm">{pick(result.provisionalNotice)}</Text>
        </Alert>
      )}
      <RefusedEdits store={ws.autosave} describe={ws.describe} />
      {readOnly && <ReadOnlyBanner d={d} ws={ws} />}
      {d.copiedFrom && !readOnly && (
        <Alert color="grape" variant="light" icon={<IconCopy />} py="xs">
          <Text size="sm">{t('ws.copiedBanner', { year: d.copiedFrom.year })}</Text>
        </Alert>
      )}
      <ProgressLine d={d} onJump={jump} ws={ws} />

      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 4, lg: 3.6 }}>
          <Paper withBorder radius="md" p={4} component="nav" aria-label={t('ws.stepsAria')}>
            {criteria.map((c, i) => {
              const r = result.criteria.find((x) => x.id === c.id);
              const filled = c.indicators.filter((x) => !empty.has(x.id)).length;
              const all = filled === c.indicators.length;
              return (
                <NavLink
                  key={c.id}
                  href={`#/assessments/${id}/${c.id}`}
                  active={!isSummary && i === currentIndex}
                  aria-current={!isSummary && i === currentIndex ? 'step' : undefined}
                  onClick={(e) => {
                    e.preventDefault();
                    go(i);
                  }}
                  data-testid={`step-${c.id}`}
                  label={
                    <Text size="sm" lineClamp={2}>
                      <Text span fw={700}>
                        {c.id}.
                      </Text>{' '}
                      {pick(c.title)}
                    </Text>
                  }
                  description={t('ws.filledOf', { filled, total: c.indicators.length })}
                  leftSection={
                    all ? (
                      <ThemeIcon size={22} radius="xl" color="teal" variant="light" aria-label={t('ws.allFilled')}>
                        <IconCheck size={14} />
                      </ThemeIcon>
                    ) : (
                      <RingProgress size={26} thickness={3} sections={[{ value: (filled / c.indicators.length) * 100, color: 'teal' }]} aria-hidden />
                    )
                  }
                  rightSection={r ? <CriterionPoints c={r} size="sm" /> : null}
                />
              );
            })}
            <NavLink
              href={`#/assessments/${id}/summary`}
              active={isSummary}
              aria-current={isSummary ? 'step' : undefined}
              onClick={(e) => {
                e.preventDefault();
                go(criteria.length);
              }}
              label={<Text fw={600}>{t('ws.summary')}</Text>}
              leftSection={<IconReportAnalytics size={22} stroke={1.5} />}
              rightSection={<PointsBadge points={result.total} max={result.maxTotal} size="sm" />}
              data-testid="step-summary"
            />
          </Paper>
          <Text size="xs" c="dimmed" mt="xs" px="xs">
            <Kbd size="xs">Alt</Kbd> + <Kbd size="xs">→</Kbd> / <Kbd size="xs">←</Kbd> {t('ws.keysHint')}
          </Text>
        </Grid.Col>

        <Grid.Col span={{ base: 12, md: 8, lg: 8.4 }}>
          {criterion && (
            <Stack gap="md">
              <Group justify="space-between" align="flex-start" wrap="nowrap">
                <Stack gap={2}>
                  <Text size="xs" tt="uppercase" c="dimmed" fw={600}>
                    {t('ws.criterionN', { n: currentIndex + 1, total: criteria.length })}
                  </Text>
                  <Title order={2} size="h3" ref={headingRef} tabIndex={-1} style={{ outline: 'none' }} data-testid="criterion-title">
                    {pick(criterion.title)}
                  </Title>
                  {cres?.provisional && (
                    <Group gap={4}>
                      <ProvisionalBadge />
                    </Group>
                  )}
                </Stack>
                {cres && (
                  <Box style={{ flexShrink: 0 }}>
                    <CriterionPoints c={cres} size="lg" />
                  </Box>
                )}
              </Group>
              {criterion.indicators.map((ind) => (
                <IndicatorCard
                  key={`${d.id}-${ind.id}`}
                  ws={ws}
                  ind={ind}
                  res={cres?.indicators.find((x) => x.id === ind.id)}
                  entry={d.entries[ind.id]}
                  evidence={d.evidence.filter((e) => e.indicatorId === ind.id)}
                  readOnly={readOnly}
                  maxMb={maxMb}
                  copiedYear={d.copiedFrom?.year}
                  onHistory={(iid) => setHistory({ open: true, indicatorId: iid })}
                />
              ))}
              <Group justify="space-between">
                <Button variant="default" leftSection={<IconArrowLeft size={16} />} disabled={currentIndex === 0} onClick={() => go(currentIndex - 1)}>
                  {t('ws.prev')}
                </Button>
                <Button rightSection={<IconArrowRight size={16} />} onClick={() => go(currentIndex + 1)}>
                  {currentIndex === criteria.length - 1 ? t('ws.toSummary') : t('ws.next')}
                </Button>
              </Group>
            </Stack>
          )}
          {isSummary && <SummaryView ws={ws} headingRef={headingRef} />}
        </Grid.Col>
      </Grid>
      <AuditDrawer
        revisionId={d.id}
        indicatorId={history.indicatorId}
        opened={history.open}
        onClose={() => setHistory((h) => ({ ...h, open: false }))}
        indicators={ws.indicators}
      />
    </Stack>
  );
}

function Header({ ws, d, onHistory }: { ws: Workspace; d: Detail; onHistory(): void }) {
  const { t } = useTranslation();
  const [classOpen, setClassOpen] = useState(false);
  return (
    <Stack gap={6}>
      <Anchor
        href="#/assessments"
        size="sm"
        onClick={(e) => {
          // Leaving: everything typed is stored (or shown refused) first.
          e.preventDefault();
          void ws.flush().then(() => navigate('assessments'));
        }}
      >
        <Group gap={4}>
          <IconArrowLeft size={14} />
          {t('ws.backToList')}
        </Group>
      </Anchor>
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
          <Title order={2} data-testid="ws-title">
            {t('ws.titleYear', { year: d.year })} — {d.unit.name}
          </Title>
          <Group gap={6}>
            <Badge variant="outline" color="gray">
              {t('ws.revisionN', { n: d.revision })}
            </Badge>
            <StatusBadge status={d.status} superseded={d.superseded} />
            <VerdictBadge verdict={d.result.verdict} size="md" />
            {d.result.provisional && <ProvisionalBadge notice={d.result.provisionalNotice} />}
            <Text size="sm" c="dimmed">
              {t(`ws.unitClass.${d.unitClass}`)}
            </Text>
            {!d.readOnly && (
              <Anchor component="button" size="sm" onClick={() => setClassOpen(true)}>
                {t('ws.unitClass.change')}
              </Anchor>
            )}
          </Group>
        </Stack>
        <Stack gap={6} align="flex-end" style={{ flexShrink: 0 }}>
          <AutosaveStatus store={ws.autosave} />
          <Group gap="xs">
            <Text size="sm" data-testid="header-total">
              {t('ws.totalLine', { total: d.result.total, max: d.result.maxTotal, threshold: d.result.threshold })}
            </Text>
            <Button size="xs" variant="default" leftSection={<IconHistory size={14} />} onClick={onHistory}>
              {t('ws.auditAll')}
            </Button>
          </Group>
        </Stack>
      </Group>
      <UnitClassModal ws={ws} d={d} opened={classOpen} onClose={() => setClassOpen(false)} />
    </Stack>
  );
}

function UnitClassModal({ ws, d, opened, onClose }: { ws: Workspace; d: Detail; opened: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const [value, setValue] = useState<UnitClass>(d.unitClass);
  const [reason, setReason] = useState(d.unitClassReason ?? '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const problem = unitClassReasonProblem(value, d.unitClassDefault, reason);
  const save = async () => {
    if (problem) return setError(t('ws.unitClass.needReason'));
    setBusy(true);
    try {
      const blocked = await ws.settle();
      if (blocked) return setError(blocked);
      const nd = await api.call('assessments.setUnitClass', { id: d.id, unitClass: value, ...(reason.trim() ? { reason: reason.trim() } : {}) });
      ws.replaceDetail(nd);
      onClose();
    } catch (e) {
      setError(pick(errorOf(e).message));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title={t('ws.unitClass.title')} size="lg">
      <Stack>
        <UnitClassFields value={value} defaultClass={d.unitClassDefault} reason={reason} onChange={setValue} onReason={setReason} reasonError={error ?? undefined} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button onClick={() => void save()} loading={busy}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function ReadOnlyBanner({ d, ws }: { d: Detail; ws: Workspace }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const open = async () => {
    setBusy(true);
    try {
      await ws.flush();
      const nd = await api.call('assessments.newRevision', { id: d.id });
      // Stay on the same step of the new revision.
      navigate(window.location.hash.replace(/^#\/?/, '').replace(d.id, nd.id));
    } catch (e) {
      setError(pick(errorOf(e).message));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Alert color="blue" variant="light" icon={<IconLock />} title={t('ws.readOnly.title')} data-testid="readonly-banner">
      <Stack gap="xs">
        <Text size="sm">{d.superseded ? t('ws.readOnly.superseded') : t('ws.readOnly.text', { date: d.submittedAt ? new Date(d.submittedAt).toLocaleDateString('vi-VN') : '' })}</Text>
        {!d.superseded && (
          <Group>
            <Button size="xs" onClick={() => void open()} loading={busy}>
              {t('ws.newRevision')}
            </Button>
          </Group>
        )}
        {error && (
          <Text size="sm" c="red">
            {error}
          </Text>
        )}
      </Stack>
    </Alert>
  );
}

function ProgressLine({ d, onJump, ws }: { d: Detail; onJump(iid: string): void; ws: Workspace }) {
  const { t } = useTranslation();
  const { filled, total, empty } = d.progress;
  const titles = useMemo(() => ws.indicators, [ws.indicators]);
  return (
    <Group gap="md" wrap="nowrap">
      <Progress value={total ? (filled / total) * 100 : 0} style={{ flex: 1 }} size="lg" color={filled === total ? 'teal' : 'blue'} aria-label={t('ws.progress', { filled, total })} />
      <Text size="sm" fw={500} style={{ whiteSpace: 'nowrap' }} data-testid="progress-text">
        {t('ws.progress', { filled, total })}
      </Text>
      {empty.length > 0 ? (
        <Popover width={380} position="bottom-end" withArrow shadow="md">
          <Popover.Target>
            <Button size="xs" variant="light" color="orange">
              {t('ws.emptyN', { n: empty.length })}
            </Button>
          </Popover.Target>
          <Popover.Dropdown>
            <Text size="sm" fw={600} mb={6}>
              {t('ws.emptyTitle')}
            </Text>
            <Stack gap={2} mah={320} style={{ overflowY: 'auto' }}>
              {empty.map((iid) => (
                <UnstyledButton key={iid} onClick={() => onJump(iid)} p={4} style={{ borderRadius: 4 }} data-testid={`empty-${iid}`}>
                  <Text size="sm">
                    <Text span fw={700} c="teal.7">
                      {iid}
                    </Text>{' '}
                    {titles.get(iid) ? pick(titles.get(iid)!.title) : ''}
                  </Text>
                </UnstyledButton>
              ))}
            </Stack>
          </Popover.Dropdown>
        </Popover>
      ) : (
        <Group gap={4} wrap="nowrap">
          <IconCircleCheck size={18} color="var(--mantine-color-teal-7)" />
          <Text size="sm" c="teal.8">
            {t('ws.allEntered')}
          </Text>
        </Group>
      )}
    </Group>
  );
}
