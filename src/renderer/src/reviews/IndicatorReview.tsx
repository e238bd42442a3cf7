import { Anchor, Badge, Group, Paper, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiErrorShape } from '../../../api/errors';
import type { CallOutput } from '../../../api/contract';
import { api, errorOf } from '../api';
import { PointsBadge, ProvisionalBadge } from '../assessment/bits';
import { OverrideControl } from '../assessment/Scoring';
import type { IndicatorResult, PackIndicator } from '../assessment/types';
import { check, describeValue, toDraft, type Draft, type FieldErrors } from '../assessment/values';
import { serverErrors, ValueInput } from '../assessment/ValueInput';
import { readPending, removePending, writePending } from '../assessment/pending';
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
  onSaved(d: ReviewDetail): void;
}

/** One indicator: the commune's side (read-only) and the team's (editable, pre-filled, a reason when it differs). */
export function IndicatorReview({ detail, ind, res, selfRes, maxMb, onSaved }: Props) {
  const { t, i18n } = useTranslation();
  const row = detail.indicators[ind.id]!;
  const readOnly = detail.readOnly;
  // Edits typed but not yet saved live in localStorage too (as in the workspace), so a crash or a reload loses none:
  // they come back here and the autosave below sends them.
  const pendingKey = `review-${detail.id}`;
  const restored = useMemo(() => (readOnly ? undefined : readPending(pendingKey).get(ind.id)), [pendingKey, ind.id, readOnly]);
  const restoredValue = restored?.value?.draft as { draft: Draft; reason: string } | undefined;
  const [draft, setDraft] = useState<Draft>(() => restoredValue?.draft ?? toDraft(ind, row.team.value));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [reason, setReasonState] = useState(restoredValue?.reason ?? row.team.reason ?? '');
  const [note, setNote] = useState(restored?.note?.note ?? row.team.note);
  const [saving, setSaving] = useState<'idle' | 'saving' | 'saved'>('idle');
  const [serverError, setServerError] = useState<ApiErrorShape | undefined>();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const noteTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const checked = check(ind, draft);
  const value = checked.state === 'valid' ? checked.value : checked.state === 'empty' ? null : undefined;
  const differs = value !== undefined && stable(value) !== stable(row.commune.value);
  const needReason = differs && reason.trim().length < 3;

  // Autosave the value (and its reason) a moment after the last keystroke, once it can be saved.
  useEffect(() => {
    if (readOnly || value === undefined) return;
    const same = stable(value) === stable(row.team.value) && (!differs || reason.trim() === (row.team.reason ?? ''));
    if (same) {
      removePending(pendingKey, ind.id, 'value');
      return;
    }
    if (needReason) return;
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      setSaving('saving');
      api
        .call('reviews.setValue', { id: detail.id, indicatorId: ind.id, value, ...(differs ? { reason: reason.trim() } : {}) })
        .then((d) => {
          removePending(pendingKey, ind.id, 'value');
          setServerError(undefined);
          setSaving('saved');
          onSaved(d);
        })
        .catch((e: unknown) => {
          setSaving('idle');
          setServerError(errorOf(e));
        });
    }, 500);
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [stable(value), reason, readOnly]);

  const change = (d: Draft) => {
    setDraft(d);
    writePending(pendingKey, ind.id, 'value', { draft: { draft: d, reason } });
    const c = check(ind, d);
    setErrors(c.state === 'invalid' || c.state === 'incomplete' ? c.errors : {});
  };
  const setReason = (r: string) => {
    setReasonState(r);
    writePending(pendingKey, ind.id, 'value', { draft: { draft, reason: r } });
  };
  const editNote = (v: string) => {
    setNote(v);
    writePending(pendingKey, ind.id, 'note', { note: v });
    if (noteTimer.current) clearTimeout(noteTimer.current);
    noteTimer.current = setTimeout(() => {
      void api.call('reviews.setNote', { id: detail.id, indicatorId: ind.id, note: v }).then((d) => {
        removePending(pendingKey, ind.id, 'note');
        onSaved(d);
      });
    }, 600);
  };
  // A note restored from a crash is sent again.
  useEffect(() => {
    if (restored?.note?.note !== undefined && restored.note.note !== row.team.note) editNote(restored.note.note);
    // Only once, for what was restored when the indicator opened.
  }, [restored]);

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
                {saving !== 'idle' && (
                  <Text size="xs" c="dimmed">
                    {t(saving === 'saving' ? 'rv.review.saving' : 'rv.review.saved')}
                  </Text>
                )}
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
                  onSaved(await api.call('reviews.setOverride', { id: detail.id, indicatorId: ind.id, override: o }));
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
                attach={async (files) => {
                  const r = await api.call('reviews.attachEvidence', { id: detail.id, indicatorId: ind.id, files: files.map((f) => ({ stagedId: f.stagedId, name: f.name })) });
                  onSaved(r.review);
                }}
                remove={async (item, why) => {
                  const r = await api.call('reviews.removeEvidence', { id: detail.id, evidenceId: item.id, ...(why ? { reason: why } : {}) });
                  onSaved(r.review);
                }}
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
