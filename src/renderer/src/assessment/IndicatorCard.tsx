import { Badge, Button, Collapse, Divider, Group, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { IconChecks, IconHistory, IconScale } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { pick } from '../i18n';
import { CopiedBadge, PointsBadge, ProvisionalBadge } from './bits';
import { EvidencePanel } from './Evidence';
import { BracketsTable, OverrideControl } from './Scoring';
import type { Entry, EvidenceItem, IndicatorResult, PackIndicator } from './types';
import type { Workspace } from './useWorkspace';
import { check, type Draft, type FieldErrors } from './values';
import { serverErrors, ValueInput } from './ValueInput';

interface Props {
  ws: Workspace;
  ind: PackIndicator;
  res: IndicatorResult | undefined;
  entry: Entry | undefined;
  evidence: EvidenceItem[];
  readOnly: boolean;
  maxMb: number;
  copiedYear: number | undefined;
  onHistory(indicatorId: string): void;
}

function clientErrors(ind: PackIndicator, d: Draft): FieldErrors {
  const c = check(ind, d);
  return c.state === 'invalid' || c.state === 'incomplete' ? c.errors : {};
}

/** One indicator: its input, the points and why, the rules, the override, a note, the evidence and the history. */
export function IndicatorCard({ ws, ind, res, entry, evidence, readOnly, maxMb, copiedYear, onHistory }: Props) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Draft>(() => ws.draftOf(ind));
  const [errors, setErrors] = useState<FieldErrors>(() => clientErrors(ind, ws.draftOf(ind)));
  const [note, setNote] = useState(() => ws.noteOf(ind.id));
  const [showRules, setShowRules] = useState(false);
  const [confirming, setConfirming] = useState(false);

  const server = serverErrors(ws.fieldErrors[`${ind.id}:value`]);
  const shown = { ...server, ...errors };
  const provisional = res?.provisional ?? !ind.confirmed;
  const copied = entry?.copied ?? false;
  const headingId = `ind-title-${ind.id}`;

  const change = (d: Draft) => {
    setDraft(d);
    const c = ws.editValue(ind, d);
    setErrors(c.state === 'invalid' || c.state === 'incomplete' ? c.errors : {});
  };

  return (
    <Paper withBorder p="md" radius="md" id={`ind-${ind.id}`} data-testid={`indicator-${ind.id}`} aria-labelledby={headingId} component="section">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Stack gap={6} style={{ flex: 1 }}>
            <Title order={4} size="h5" id={headingId} fw={600}>
              <Text span c="teal.7" fw={700} mr={6}>
                {ind.id}
              </Text>
              {pick(ind.title)}
            </Title>
            <Group gap={6}>
              {provisional && <ProvisionalBadge size="xs" />}
              {res?.status === 'missing' && (
                <Badge size="xs" color="gray" variant="outline">
                  {t('ws.notEntered')}
                </Badge>
              )}
              {res?.status === 'not_scorable' && (
                <Badge size="xs" color="orange" variant="light">
                  {t('ws.notScorable')}
                </Badge>
              )}
              {copied && <CopiedBadge year={copiedYear} />}
              {copied && !readOnly && (
                <Button
                  size="compact-xs"
                  variant="light"
                  color="grape"
                  leftSection={<IconChecks size={14} />}
                  loading={confirming}
                  aria-label={t('ws.confirmCopiedAria', { id: ind.id })}
                  onClick={() => {
                    setConfirming(true);
                    void ws.confirmCopied(ind.id).finally(() => setConfirming(false));
                  }}
                >
                  {t('ws.confirmCopied')}
                </Button>
              )}
            </Group>
          </Stack>
          <Stack gap={2} align="flex-end" style={{ flexShrink: 0 }}>
            <PointsBadge points={res?.points ?? 0} max={ind.max} size="lg" label={t('ws.aria.points', { id: ind.id, points: res?.points ?? 0, max: ind.max })} />
            {res?.override && (
              <Text size="xs" c="dimmed">
                {t('ws.computedN', { n: res.computed ?? '—' })}
              </Text>
            )}
          </Stack>
        </Group>

        <ValueInput ind={ind} draft={draft} errors={shown} disabled={readOnly} onChange={change} />

        {res && (
          <Text size="sm" c={res.status === 'not_scorable' ? 'orange.8' : 'dimmed'} aria-live="polite" data-testid={`explain-${ind.id}`}>
            {Object.keys(errors).length > 0 && entry?.value != null && (
              <Text span fs="italic">
                {t('ws.fromSaved')}{' '}
              </Text>
            )}
            {pick(res.explanation)}
          </Text>
        )}
        <OverrideControl ind={ind} res={res} disabled={readOnly} error={ws.fieldErrors[`${ind.id}:override`]} onSave={(o) => ws.setOverride(ind.id, o)} />

        <Group gap="xs">
          <Button
            size="compact-sm"
            variant="subtle"
            color="gray"
            leftSection={<IconScale size={14} />}
            onClick={() => setShowRules((s) => !s)}
            aria-expanded={showRules}
            aria-controls={`rules-${ind.id}`}
          >
            {showRules ? t('ws.hideRules') : t('ws.showRules')}
          </Button>
          <Button size="compact-sm" variant="subtle" color="gray" leftSection={<IconHistory size={14} />} onClick={() => onHistory(ind.id)} aria-label={t('ws.historyAria', { id: ind.id })}>
            {t('ws.history')}
          </Button>
        </Group>
        <Collapse expanded={showRules} id={`rules-${ind.id}`}>
          <BracketsTable ind={ind} />
        </Collapse>

        <Textarea
          label={t('ws.note')}
          aria-label={t('ws.aria.note', { id: ind.id })}
          placeholder={t('ws.notePlaceholder')}
          value={note}
          autosize
          minRows={1}
          maxRows={6}
          disabled={readOnly}
          error={ws.fieldErrors[`${ind.id}:note`] ? pick(ws.fieldErrors[`${ind.id}:note`]!.message) : undefined}
          onChange={(e) => {
            setNote(e.currentTarget.value);
            ws.editNote(ind.id, e.currentTarget.value);
          }}
        />
        <Divider label={t('ws.evidence.title', { n: evidence.length })} labelPosition="left" />
        <EvidencePanel
          revisionId={ws.detail!.id}
          indicatorId={ind.id}
          items={evidence}
          readOnly={readOnly}
          maxMb={maxMb}
          copiedYear={copiedYear}
          onAdded={ws.addEvidence}
          onRemoved={ws.removeEvidence}
        />
      </Stack>
    </Paper>
  );
}
