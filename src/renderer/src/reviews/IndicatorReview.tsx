import { Anchor, Badge, Group, Paper, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UiCallOutput as CallOutput } from '../../../api/contract';
import { api, errorOf } from '../api';
import { PointsBadge, ProvisionalBadge } from '../assessment/bits';
import { OverrideControl } from '../assessment/Scoring';
import type { IndicatorResult, PackIndicator } from '../assessment/types';
import { check, describeValue, toDraft, type Draft, type FieldErrors } from '../assessment/values';

function clientErrors(ind: PackIndicator, d: Draft): FieldErrors {
  const c = check(ind, d);
  return c.state === 'invalid' || c.state === 'incomplete' ? c.errors : {};
}
import { serverErrors, ValueInput } from '../assessment/ValueInput';
import type { Autosave } from '../autosave/queue';
import { useAutosaveState } from '../autosave/useAutosave';
import { EvidenceFiles } from '../components/EvidenceFiles';
import { evidenceUrl } from '../files';
import { pick } from '../i18n';

export type ReviewDetail = CallOutput<'reviews.get'>;

/** JSON with sorted keys, so {"numerator","denominator"} in either order compares equal. */
export function stable(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stable(o[k])}`)
    .join(',')}}`;
}

export const signedDelta = (d: number) => (d > 0 ? `+${d}` : d < 0 ? `−${-d}` : '0');

interface Props {
  detail: ReviewDetail;
  ind: PackIndicator;
  res: IndicatorResult | undefined;
  selfRes: IndicatorResult | undefined;
  /** The evidence size limit (Settings), for the team's drop area. */
  maxMb: number;
  /** The review page's autosave (it outlives this card: an edit typed just before a step change is still saved). */
  autosave: Autosave;
  onSaved(d: ReviewDetail): void;
}

/** What the autosave keeps for the team's value of an indicator: a value ready to send, or what is typed so far. */
export type TeamValuePayload = { value: unknown; reason?: string };
export type TeamValueDraft = { draft: Draft; reason: string };
export const reviewKey = {
  value: (indicatorId: string) => `${indicatorId}.value`,
  note: (indicatorId: string) => `${indicatorId}.note`,
  finding: (criterionId: string) => `finding.${criterionId}`,
};

/** One indicator: the commune's side (read-only) and the team's (editable, pre-filled, a reason when it differs). */
export function IndicatorReview({ detail, ind, res, selfRes, maxMb, autosave, onSaved }: Props) {
  const { t, i18n } = useTranslation();
  const row = detail.indicators[ind.id]!;
  const readOnly = detail.readOnly;
  const vkey = reviewKey.value(ind.id);
  const nkey = reviewKey.note(ind.id);
  // What was typed and is not stored yet (this session, or a reload or crash before: the page replays those) comes
  // back into the inputs instead of the stored value.
  const [initial] = useState(() => {
    const v = readOnly ? undefined : autosave.latest(vkey);
    const n = readOnly ? undefined : autosave.latest(nkey);
    const d = v?.draft as TeamValueDraft | undefined;
    const p = v?.payload as TeamValuePayload | undefined;
    return {
      draft: d?.draft && d.draft.kind === ind.kind ? d.draft : p ? toDraft(ind, p.value) : toDraft(ind, row.team.value),
      reason: d?.reason ?? p?.reason ?? row.team.reason ?? '',
      note: typeof n?.payload === 'string' ? n.payload : row.team.note,
    };
  });
  const [draft, setDraft] = useState<Draft>(initial.draft);
  const [errors, setErrors] = useState<FieldErrors>(() => clientErrors(ind, initial.draft));
  const [reason, setReasonState] = useState(initial.reason);
  const [note, setNote] = useState(initial.note);
  const snapshot = useAutosaveState(autosave);
  const serverError = snapshot.rejected.find((r) => r.key === vkey || r.key === nkey)?.error;

  const checked = check(ind, draft);
  const value = checked.state === 'valid' ? checked.value : checked.state === 'empty' ? null : undefined;
  const differs = value !== undefined && stable(value) !== stable(row.commune.value);
  const needReason = differs && reason.trim().length < 3;

  /** Hands the value (and its reason) to the autosave once it can be saved; until then it is kept as a draft. */
  const push = (d: Draft, r: string) => {
    if (readOnly) return;
    const c = check(ind, d);
    const v = c.state === 'valid' ? c.value : c.state === 'empty' ? null : undefined;
    const diff = v !== undefined && stable(v) !== stable(row.commune.value);
    if (v === undefined || (diff && r.trim().length < 3)) autosave.hold(vkey, { draft: d, reason: r } satisfies TeamValueDraft);
    else autosave.edit(vkey, (diff ? { value: v, reason: r.trim() } : { value: v }) satisfies TeamValuePayload);
  };
  const change = (d: Draft) => {
    setDraft(d);
    setErrors(clientErrors(ind, d));
    push(d, reason);
  };
  const setReason = (r: string) => {
    setReasonState(r);
    push(draft, r);
  };
  const editNote = (v: string) => {
    setNote(v);
    if (!readOnly) autosave.edit(nkey, v);
  };
  /** One-off calls go in turn with the saves typed before them. */
  const call = async (f: () => Promise<ReviewDetail>) => {
    void autosave.flush();
    onSaved(await autosave.run(f));
  };

  const evidence = detail.evidence.filter((e) => e.indicatorId === ind.id);
  const teamEvidence = detail.teamEvidence.filter((e) => e.indicatorId === ind.id);
  const lang = i18n.language;
  const shown = { ...serverErrors(serverError?.field?.startsWith('values') ? serverError : undefined), ...errors };

  return (
    <Paper
      withBorder
      p="md"
      radius="md"
      id={`ind-${ind.id}`}
      data-testid={`review-${ind.id}`}
      data-changed={row.changed ? 'true' : 'false'}
      component="section"
      style={row.changed ? { borderColor: 'var(--mantine-color-orange-6)', borderWidth: 2, background: 'var(--mantine-color-orange-0)' } : undefined}
    >
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Title order={4} size="h5" fw={600}>
            <Text span c="teal.7" fw={700} mr={6}>
              {ind.id}
            </Text>
            {pick(ind.title)}
          </Title>
          <Group gap={6} wrap="nowrap" style={{ flexShrink: 0 }}>
            {(res?.provisional ?? !ind.confirmed) && <ProvisionalBadge size="xs" />}
            {row.changed && (
              <Badge color="orange" variant="filled" data-testid={`delta-${ind.id}`} style={{ flexShrink: 0, overflow: 'visible' }} miw="fit-content">
                {row.delta !== 0 ? t('rv.review.delta', { d: signedDelta(row.delta) }) : t('rv.review.changed')}
              </Badge>
            )}
          </Group>
        </Group>
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <Stack gap={6} data-testid={`commune-${ind.id}`}>
            <Group justify="space-between">
              <Text fw={600} size="sm" c="dimmed" tt="uppercase">
                {t('rv.review.commune')}
              </Text>
              <PointsBadge points={row.commune.points} max={ind.max} />
            </Group>
            <Text fw={500}>{describeValue(row.commune.value, lang, ind)}</Text>
            {selfRes && (
              <Text size="sm" c="dimmed">
                {pick(selfRes.explanation)}
              </Text>
            )}
            {row.commune.override && (
              <Text size="sm">{t('rv.review.override', { points: row.commune.override.points, reason: row.commune.override.reason })}</Text>
            )}
            <Text size="sm" fs={row.commune.note ? undefined : 'italic'} c={row.commune.note ? undefined : 'dimmed'}>
              {t('rv.review.note')}: {row.commune.note || t('rv.review.noNote')}
            </Text>
            <Group gap={8}>
              <Text size="sm" fw={500}>
                {t('rv.review.evidence')}:
              </Text>
              {evidence.length === 0 && (
                <Text size="sm" c="dimmed">
                  {t('rv.review.noEvidence')}
                </Text>
              )}
              {evidence.map((e) =>
                e.stored ? (
                  <Anchor key={e.sha256} href={evidenceUrl(e.previewId)} target="_blank" rel="noreferrer" size="sm">
                    {e.name}
                  </Anchor>
                ) : (
                  <Text key={e.sha256} size="sm" c="dimmed">
                    {e.name} ({t('rv.review.notStored')})
                  </Text>
                ),
              )}
            </Group>
          </Stack>
          <Stack gap={6} data-testid={`team-${ind.id}`}>
            <Group justify="space-between">
              <Text fw={600} size="sm" c="teal.8" tt="uppercase">
                {t('rv.review.team')}
              </Text>
              <Group gap={6}>
                <PointsBadge points={row.team.points} max={ind.max} label={`${t('rv.review.points')} ${ind.id}: ${row.team.points}/${ind.max}`} />
              </Group>
            </Group>
            <ValueInput ind={ind} draft={draft} errors={shown} disabled={readOnly} onChange={change} />
            {differs && (
              <TextInput
                label={t('rv.review.reason')}
                aria-label={t('rv.review.reasonAria', { id: ind.id })}
                required
                value={reason}
                disabled={readOnly}
                onChange={(e) => setReason(e.currentTarget.value)}
                error={needReason ? t('rv.review.reasonNeeded') : serverError?.field === 'reason' ? pick(serverError.message) : undefined}
              />
            )}
            {res && (
              <Text size="sm" c="dimmed" aria-live="polite" data-testid={`team-explain-${ind.id}`}>
                {pick(res.explanation)}
              </Text>
            )}
            <OverrideControl
              ind={ind}
              res={res}
              disabled={readOnly}
              error={undefined}
              onSave={async (o) => {
                try {
                  await call(() => api.call('reviews.setOverride', { id: detail.id, indicatorId: ind.id, override: o }));
                  return null;
                } catch (e) {
                  return errorOf(e);
                }
              }}
            />
            <Textarea
              label={t('rv.review.teamNote')}
              aria-label={t('rv.review.teamNoteAria', { id: ind.id })}
              value={note}
              autosize
              minRows={1}
              maxRows={4}
              disabled={readOnly}
              onChange={(e) => editNote(e.currentTarget.value)}
            />
            <Stack gap={4} data-testid={`team-evidence-${ind.id}`}>
              <Text size="sm" fw={500}>
                {t('rv.review.teamEvidence')}:
                {readOnly && teamEvidence.length === 0 && (
                  <Text span size="sm" c="dimmed" fw={400} ml={6}>
                    {t('rv.review.noEvidence')}
                  </Text>
                )}
              </Text>
              <EvidenceFiles
                compact
                indicatorId={ind.id}
                items={teamEvidence}
                readOnly={readOnly}
                maxMb={maxMb}
                attach={(files) =>
                  call(async () => (await api.call('reviews.attachEvidence', { id: detail.id, indicatorId: ind.id, files: files.map((f) => ({ stagedId: f.stagedId, name: f.name })) })).review)
                }
                remove={(item, why) => call(async () => (await api.call('reviews.removeEvidence', { id: detail.id, evidenceId: item.id, ...(why ? { reason: why } : {}) })).review)}
              />
            </Stack>
            {serverError && !serverError.field?.startsWith('values') && serverError.field !== 'reason' && (
              <Text size="sm" c="red" role="alert">
                {pick(serverError.message)}
              </Text>
            )}
          </Stack>
        </SimpleGrid>
      </Stack>
    </Paper>
  );
}
