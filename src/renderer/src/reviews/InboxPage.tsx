import { Alert, Badge, Button, Group, Loader, Paper, Popover, Select, Stack, Table, Text, Title } from '@mantine/core';
import { IconHistory } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UiCallOutput as CallOutput } from '../../../api/contract';
import { api, errorOf, useCall } from '../api';
import { VerdictBadge } from '../assessment/bits';
import { pick } from '../i18n';
import { navigate } from '../lib/route';

type Item = CallOutput<'reviews.inbox'>['items'][number];
type State = Item['state'];
const STATES: State[] = ['received', 'in_review', 'returned', 'recognised', 'not_recognised'];
const STATE_COLOR: Record<State, string> = { received: 'blue', in_review: 'yellow', returned: 'orange', recognised: 'teal', not_recognised: 'red' };

export function ReviewStateBadge({ state }: { state: State }) {
  const { t } = useTranslation();
  return (
    <Badge color={STATE_COLOR[state]} variant="light" data-testid="review-state">
      {t(`rv.state.${state}`)}
    </Badge>
  );
}

function History({ item }: { item: Item }) {
  const { t } = useTranslation();
  return (
    <Popover width={360} position="bottom-start" withArrow shadow="md">
      <Popover.Target>
        <Button size="compact-xs" variant="subtle" color="gray" leftSection={<IconHistory size={14} />} aria-label={t('rv.inbox.historyAria', { unit: item.unit.name })}>
          {t('rv.inbox.history')}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Table fz="xs" data-testid="revision-history">
          <Table.Tbody>
            {item.history.map((h) => (
              <Table.Tr key={h.manifestSha256}>
                <Table.Td>{t('rv.inbox.revisionN', { n: h.revision })}</Table.Td>
                <Table.Td>{t(`rv.pkgState.${h.state}`)}</Table.Td>
                <Table.Td>{t(`rv.outcome.${h.outcome}`)}</Table.Td>
                <Table.Td>{h.total}</Table.Td>
                <Table.Td>{h.importedAt.slice(0, 10)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Popover.Dropdown>
    </Popover>
  );
}

/** The assessor's inbox: every commune assessment imported, its review state, verification and both scores. */
export function InboxPage() {
  const { t } = useTranslation();
  const [year, setYear] = useState<string | null>(null);
  const [state, setState] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const q = useCall('reviews.inbox', { ...(year ? { year: Number(year) } : {}), ...(state ? { state: state as State } : {}) });

  const open = async (item: Item) => {
    setBusy(item.assessmentId);
    setError(null);
    try {
      const r = await api.call('reviews.open', { manifestSha256: item.latest.manifestSha256 });
      navigate(`reviews/${r.id}`);
    } catch (e) {
      if (item.reviewId) navigate(`reviews/${item.reviewId}`);
      else setError(pick(errorOf(e).message));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Stack>
      <div>
        <Title order={2}>{t('rv.inbox.title')}</Title>
        <Text c="dimmed" size="sm">
          {t('rv.inbox.intro')}
        </Text>
      </div>
      <Group>
        <Select
          label={t('rv.inbox.year')}
          placeholder={t('rv.inbox.all')}
          clearable
          w={140}
          value={year}
          onChange={setYear}
          data={(q.data?.years ?? []).map((y) => String(y))}
        />
        <Select
          label={t('rv.inbox.state')}
          placeholder={t('rv.inbox.all')}
          clearable
          w={220}
          value={state}
          onChange={setState}
          data={STATES.map((s) => ({ value: s, label: t(`rv.state.${s}`) }))}
        />
      </Group>
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      {q.error && (
        <Alert color="red" role="alert">
          {pick(q.error.message)}
        </Alert>
      )}
      {q.loading && !q.data && <Loader />}
      {q.data && q.data.items.length === 0 && <Text c="dimmed">{t('rv.inbox.empty')}</Text>}
      {q.data && q.data.items.length > 0 && (
        <Paper withBorder radius="md">
          <Table striped highlightOnHover verticalSpacing="sm" data-testid="review-inbox">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('rv.inbox.unit')}</Table.Th>
                <Table.Th>{t('rv.inbox.year')}</Table.Th>
                <Table.Th>{t('rv.inbox.state')}</Table.Th>
                <Table.Th>{t('rv.inbox.revision')}</Table.Th>
                <Table.Th>{t('rv.inbox.verification')}</Table.Th>
                <Table.Th>{t('rv.inbox.self')}</Table.Th>
                <Table.Th>{t('rv.inbox.team')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {q.data.items.map((i) => (
                <Table.Tr key={i.assessmentId} data-testid={`inbox-${i.unit.code}-${i.year}`}>
                  <Table.Td>
                    <Text fw={600}>{i.unit.name}</Text>
                    <Text size="xs" c="dimmed">
                      {i.unit.path}
                    </Text>
                  </Table.Td>
                  <Table.Td>{i.year}</Table.Td>
                  <Table.Td>
                    <Stack gap={4} align="flex-start">
                      <ReviewStateBadge state={i.state} />
                      {i.newerRevision && (
                        <Badge color="grape" variant="outline" size="sm">
                          {t('rv.inbox.newer', { n: i.latest.revision })}
                        </Badge>
                      )}
                    </Stack>
                  </Table.Td>
                  <Table.Td>
                    <Stack gap={2} align="flex-start">
                      <Text size="sm">{t('rv.inbox.revisionN', { n: i.latest.revision })}</Text>
                      {i.history.length > 1 && <History item={i} />}
                    </Stack>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={i.latest.outcome === 'valid' ? 'teal' : 'orange'} variant="light" data-testid="verification-badge">
                      {t(`rv.outcome.${i.latest.outcome}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Text fw={600} style={{ fontVariantNumeric: 'tabular-nums' }}>
                        {i.self.total}
                      </Text>
                      <VerdictBadge verdict={i.self.verdict as 'recognised'} size="sm" />
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    {i.team ? (
                      <Group gap={6} wrap="nowrap">
                        <Text fw={600} style={{ fontVariantNumeric: 'tabular-nums' }}>
                          {i.team.total}
                        </Text>
                        <VerdictBadge verdict={i.team.verdict} size="sm" />
                      </Group>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Button size="xs" loading={busy === i.assessmentId} onClick={() => void open(i)} aria-label={`${t(i.reviewId ? 'rv.inbox.continue' : 'rv.inbox.open')} ${i.unit.name} ${i.year}`}>
                      {t(i.state === 'received' ? 'rv.inbox.open' : i.state === 'in_review' || i.newerRevision ? 'rv.inbox.continue' : 'rv.inbox.view')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
    </Stack>
  );
}
