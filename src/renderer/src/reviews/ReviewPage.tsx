import { Alert, Anchor, Badge, Grid, Group, Loader, NavLink, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeDraft, describeValue } from '../assessment/values';
import { AutosaveStatus, RefusedEdits, type Describe } from '../autosave/AutosaveStatus';
import type { Autosave } from '../autosave/queue';
import { localRefusal, settleBefore, useAutosave } from '../autosave/useAutosave';
import { api, errorOf, useCall } from '../api';
import { PointsBadge, VerdictBadge } from '../assessment/bits';
import type { Pack } from '../assessment/types';
import { pick } from '../i18n';
import { navigate } from '../lib/route';
import { ReviewStateBadge } from './InboxPage';
import { IndicatorReview, reviewKey, stable, type ReviewDetail, type TeamValueDraft, type TeamValuePayload } from './IndicatorReview';
import { ReviewSummary } from './ReviewSummary';

function Findings({ detail, criterionId, autosave }: { detail: ReviewDetail; criterionId: string; autosave: Autosave }) {
  const { t } = useTranslation();
  const key = reviewKey.finding(criterionId);
  const [text, setText] = useState(() => {
    const latest = detail.readOnly ? undefined : autosave.latest(key);
    return typeof latest?.payload === 'string' ? latest.payload : (detail.findings[criterionId] ?? '');
  });
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
        autosave.edit(key, v);
      }}
    />
  );
}

/** Which call stores an autosave key of the review screen. */
function sendReview(id: string) {
  return (key: string, payload: unknown): Promise<ReviewDetail> => {
    if (key.startsWith('finding.')) return api.call('reviews.setFinding', { id, criterionId: key.slice('finding.'.length), text: String(payload ?? '') });
    const dot = key.lastIndexOf('.');
    const indicatorId = key.slice(0, dot);
    if (key.endsWith('.note')) return api.call('reviews.setNote', { id, indicatorId, note: String(payload ?? '') });
    const p = payload as TeamValuePayload;
    return api.call('reviews.setValue', { id, indicatorId, value: p.value, ...(p.reason !== undefined ? { reason: p.reason } : {}) });
  };
}

/** Replays what an earlier session typed and did not see stored, or shows it refused if the review is decided. */
function restoreEdits(autosave: Autosave, d: ReviewDetail) {
  const refusal = () => localRefusal('read_only', 'autosave.readOnlyLocal');
  for (const [key, copy] of autosave.restore()) {
    if (copy.rejected) {
      autosave.reject(key, copy.payload, copy.rejected);
      continue;
    }
    if (copy.payload === undefined) {
      // Partly typed (a value without its reason, an incomplete number): back into the input when it opens.
      if (d.readOnly) autosave.reject(key, copy.draft, refusal());
      else autosave.hold(key, copy.draft);
      continue;
    }
    let stored: unknown;
    if (key.startsWith('finding.')) stored = d.findings[key.slice('finding.'.length)] ?? '';
    else {
      const row = d.indicators[key.slice(0, key.lastIndexOf('.'))];
      if (!row) {
        autosave.discard(key);
        continue;
      }
      stored = key.endsWith('.note') ? row.team.note : { value: row.team.value, reason: row.changed ? (row.team.reason ?? '') : undefined };
    }
    const same = key.endsWith('.value')
      ? stable((copy.payload as TeamValuePayload).value) === stable((stored as TeamValuePayload).value) &&
        ((copy.payload as TeamValuePayload).reason ?? '') === ((stored as TeamValuePayload).reason ?? '')
      : copy.payload === stored;
    if (same) autosave.discard(key);
    else if (d.readOnly) autosave.reject(key, copy.payload, refusal());
    else autosave.edit(key, copy.payload, { now: true });
  }
}

/** The review screen: criterion steps, each indicator side by side, then the summary and decision (`#/reviews/<id>/summary`). */
export function ReviewPage({ id, view }: { id: string; view: string | undefined }) {
  const { t, i18n } = useTranslation();
  const [detail, setDetail] = useState<ReviewDetail | null>(null);
  const settings = useCall('settings.get', {});
  const maxMb = settings.data?.evidenceMaxMb ?? 25;
  const [pack, setPack] = useState<Pack | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The page owns the autosave: moving between steps (or to the summary) never cancels an edit on its way.
  const autosave = useAutosave(`review-${id}`, sendReview(id));

  useEffect(() => autosave.onStored((_key, result) => setDetail(result as ReviewDetail)), [autosave]);
  // Refused because the review was decided meanwhile: show it as it now is (read-only); the refusal stays listed.
  useEffect(
    () =>
      autosave.onRejected((r) => {
        if (r.error.code === 'review_decided' || r.error.code === 'read_only') {
          void api
            .call('reviews.get', { id })
            .then(setDetail)
            .catch(() => undefined);
        }
      }),
    [autosave, id],
  );

  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const d = await api.call('reviews.get', { id });
        const p = await api.call('packs.get', { id: d.pack.id, version: d.pack.version });
        if (!live) return;
        restoreEdits(autosave, d);
        setDetail(d);
        setPack(p.pack);
      } catch (e) {
        if (live) setError(pick(errorOf(e).message));
      }
    })();
    return () => {
      live = false;
    };
  }, [id, autosave]);

  const describe: Describe = (key, payload) => {
    const lang = i18n.language;
    if (key.startsWith('finding.')) return { field: t('autosave.field.finding', { id: key.slice('finding.'.length) }), value: String(payload ?? '') };
    const indicatorId = key.slice(0, key.lastIndexOf('.'));
    if (key.endsWith('.note')) return { field: t('autosave.field.teamNote', { id: indicatorId }), value: String(payload ?? '') };
    const ind = pack?.criteria.flatMap((c) => c.indicators).find((i) => i.id === indicatorId);
    const p = payload as Partial<TeamValuePayload & TeamValueDraft> | undefined;
    const shown = p?.draft ? describeDraft(p.draft) : describeValue(p?.value ?? null, lang, ind);
    return {
      field: t('autosave.field.teamValue', { id: indicatorId }),
      value: p?.reason ? `${shown} (${t('autosave.field.reason', { reason: p.reason })})` : shown,
    };
  };
  const settle = () => settleBefore(autosave, (key) => describe(key, undefined).field);

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
          <Anchor size="sm" onClick={() => void autosave.flush().then(() => navigate('assessments'))}>
            ← {t('rv.review.back')}
          </Anchor>
          <Title order={2}>{t('rv.review.title', { unit: detail.unit.name, year: detail.year })}</Title>
          <Text size="sm" c="dimmed">
            {detail.unit.path} · {t('rv.review.subject', { n: detail.subject.revision, signer: detail.subject.signerName })}
          </Text>
        </div>
        <Group>
          <AutosaveStatus store={autosave} />
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
      <RefusedEdits store={autosave} describe={describe} />
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
            <ReviewSummary key={`${key}-${detail.state}`} detail={detail} onSaved={setDetail} settle={settle} flush={() => autosave.flush()} />
          ) : (
            <Stack gap="md" key={`${key}-${criterion.id}`}>
              <Group justify="space-between">
                <Title order={3}>
                  {t('rv.review.stepN', { id: criterion.id })}. {pick(criterion.title)}
                </Title>
                {diffs(criterion.id) > 0 && <Badge color="orange">{t('rv.review.diffCount', { n: diffs(criterion.id) })}</Badge>}
              </Group>
              {criterion.indicators.map((ind) => (
                <IndicatorReview key={`${key}-${ind.id}-${detail.state}`} detail={detail} ind={ind} res={teamBy.get(ind.id)} selfRes={selfBy.get(ind.id)} maxMb={maxMb} autosave={autosave} onSaved={setDetail} />
              ))}
              <Findings key={`${key}-f-${criterion.id}`} detail={detail} criterionId={criterion.id} autosave={autosave} />
            </Stack>
          )}
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
