import { Alert, Anchor, Badge, Grid, Group, Loader, NavLink, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorOf, useCall } from '../api';
import { PointsBadge, VerdictBadge } from '../assessment/bits';
import type { Pack } from '../assessment/types';
import { pick } from '../i18n';
import { navigate } from '../lib/route';
import { ReviewStateBadge } from './InboxPage';
import { IndicatorReview, type ReviewDetail } from './IndicatorReview';
import { ReviewSummary } from './ReviewSummary';

function Findings({ detail, criterionId, onSaved }: { detail: ReviewDetail; criterionId: string; onSaved(d: ReviewDetail): void }) {
  const { t } = useTranslation();
  const [text, setText] = useState(detail.findings[criterionId] ?? '');
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  return (
    <Textarea
      label={t('rv.review.findings', { id: criterionId })}
      aria-label={t('rv.review.findingsAria', { id: criterionId })}
      value={text}
      autosize
      minRows={2}
      disabled={detail.readOnly}
      onChange={(e) => {
        const v = e.currentTarget.value;
        setText(v);
        if (timer.current) clearTimeout(timer.current);
        timer.current = setTimeout(() => void api.call('reviews.setFinding', { id: detail.id, criterionId, text: v }).then(onSaved), 500);
      }}
    />
  );
}

/** The review screen: criterion steps, each indicator side by side, then the summary and decision (`#/reviews/<id>/summary`). */
export function ReviewPage({ id, view }: { id: string; view: string | undefined }) {
  const { t } = useTranslation();
  const [detail, setDetail] = useState<ReviewDetail | null>(null);
  const settings = useCall('settings.get', {});
  const maxMb = settings.data?.evidenceMaxMb ?? 25;
  const [pack, setPack] = useState<Pack | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const d = await api.call('reviews.get', { id });
        const p = await api.call('packs.get', { id: d.pack.id, version: d.pack.version });
        if (!live) return;
        setDetail(d);
        setPack(p.pack);
      } catch (e) {
        if (live) setError(pick(errorOf(e).message));
      }
    })();
    return () => {
      live = false;
    };
  }, [id]);

  if (error)
    return (
      <Alert color="red" role="alert">
        {error}
      </Alert>
    );
  if (!detail || !pack) return <Loader />;

  const step = view ?? pack.criteria[0]!.id;
  const criterion = pack.criteria.find((c) => c.id === step);
  const teamBy = new Map(detail.result.criteria.flatMap((c) => c.indicators.map((i) => [i.id, i] as const)));
  const selfBy = new Map(detail.selfResult.criteria.flatMap((c) => c.indicators.map((i) => [i.id, i] as const)));
  const critTeam = new Map(detail.result.criteria.map((c) => [c.id, c]));
  const diffs = (cid: string) => Object.values(detail.indicators).filter((i) => i.criterionId === cid && i.changed).length;
  // A new subject (continued from a newer revision) re-creates the cards from its values.
  const key = detail.subject.manifestSha256;

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start">
        <div>
          <Anchor size="sm" onClick={() => navigate('assessments')}>
            ← {t('rv.review.back')}
          </Anchor>
          <Title order={2}>{t('rv.review.title', { unit: detail.unit.name, year: detail.year })}</Title>
          <Text size="sm" c="dimmed">
            {detail.unit.path} · {t('rv.review.subject', { n: detail.subject.revision, signer: detail.subject.signerName })}
          </Text>
        </div>
        <Group>
          <ReviewStateBadge state={detail.state} />
          <Badge color={detail.subject.outcome === 'valid' ? 'teal' : 'orange'} variant="light">
            {t(`rv.outcome.${detail.subject.outcome}`)}
          </Badge>
          <Paper withBorder px="sm" py={4} radius="md">
            <Group gap={6}>
              <Text size="sm">{t('rv.sum.selfTotal')}</Text>
              <Text fw={700}>{detail.selfResult.total}</Text>
              <Text size="sm">→ {t('rv.sum.teamTotal')}</Text>
              <Text fw={700} data-testid="team-total-header">
                {detail.result.total}
              </Text>
              <VerdictBadge verdict={detail.result.verdict} size="sm" />
            </Group>
          </Paper>
        </Group>
      </Group>
      {detail.newerRevision && <Alert color="grape">{t('rv.review.newer', { n: detail.newerRevision })}</Alert>}
      {detail.readOnly && <Alert color="blue">{t('rv.review.readOnly')}</Alert>}
      <Grid>
        <Grid.Col span={{ base: 12, md: 3 }}>
          <Paper withBorder radius="md" p={4} component="nav" aria-label={t('rv.review.steps')}>
            {pack.criteria.map((c) => {
              const n = diffs(c.id);
              const ct = critTeam.get(c.id);
              return (
                <NavLink
                  key={c.id}
                  active={step === c.id}
                  onClick={() => navigate(`reviews/${id}/${c.id}`)}
                  label={`${c.id}. ${pick(c.title)}`}
                  data-testid={`step-${c.id}`}
                  rightSection={
                    <Group gap={4} wrap="nowrap">
                      {n > 0 && (
                        <Badge color="orange" size="xs">
                          {n}
                        </Badge>
                      )}
                      {ct && <PointsBadge points={ct.points} max={ct.max} size="sm" />}
                    </Group>
                  }
                />
              );
            })}
            <NavLink active={step === 'summary'} onClick={() => navigate(`reviews/${id}/summary`)} label={t('rv.review.summary')} fw={600} data-testid="step-summary" />
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 9 }}>
          {step === 'summary' || !criterion ? (
            <ReviewSummary key={`${key}-${detail.state}`} detail={detail} onSaved={setDetail} />
          ) : (
            <Stack gap="md" key={`${key}-${criterion.id}`}>
              <Group justify="space-between">
                <Title order={3}>
                  {t('rv.review.stepN', { id: criterion.id })}. {pick(criterion.title)}
                </Title>
                {diffs(criterion.id) > 0 && <Badge color="orange">{t('rv.review.diffCount', { n: diffs(criterion.id) })}</Badge>}
              </Group>
              {criterion.indicators.map((ind) => (
                <IndicatorReview key={`${key}-${ind.id}-${detail.state}`} detail={detail} ind={ind} res={teamBy.get(ind.id)} selfRes={selfBy.get(ind.id)} maxMb={maxMb} onSaved={setDetail} />
              ))}
              <Findings key={`${key}-f-${criterion.id}`} detail={detail} criterionId={criterion.id} onSaved={setDetail} />
            </Stack>
          )}
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
