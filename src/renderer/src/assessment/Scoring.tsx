import { Badge, Button, Group, Modal, NumberInput, Stack, Table, Text, Textarea, Tooltip } from '@mantine/core';
import { IconAdjustments } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiErrorShape } from '../../../api/errors';
import { pick } from '../i18n';
import { formatNumber } from '../lib/text';
import { PointsBadge } from './bits';
import type { CriterionResult, IndicatorResult, PackIndicator } from './types';

function Confirmed({ confirmed }: { confirmed: boolean }) {
  const { t } = useTranslation();
  return (
    <Badge size="xs" variant="light" color={confirmed ? 'teal' : 'yellow'}>
      {confirmed ? t('ws.confirmedRule') : t('ws.provisional')}
    </Badge>
  );
}

/** The rules of an indicator, so every score is explained: threshold → points, confirmed or provisional. */
export function BracketsTable({ ind }: { ind: PackIndicator }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const rows: { cond: string; points: number; confirmed: boolean }[] = [];
  const pct = (x: number) => `${formatNumber(x, lang, Number.isInteger(x) ? 0 : 2)}%`;
  switch (ind.kind) {
    case 'boolean':
      rows.push({ cond: t('common.yes'), points: ind.max, confirmed: ind.confirmed }, { cond: t('common.no'), points: 0, confirmed: ind.confirmed });
      break;
    case 'choice':
      ind.options.forEach((o) => rows.push({ cond: pick(o.title), points: o.points, confirmed: o.confirmed }));
      break;
    case 'rate':
    case 'rate_per_n':
    case 'survey':
    case 'count': {
      const better = ind.kind === 'survey' ? 'higher' : ind.better;
      const sign = better === 'higher' ? '≥' : '≤';
      const shown = (x: number) =>
        ind.kind === 'count' ? formatNumber(x, lang) : ind.kind === 'rate_per_n' ? `${formatNumber(x, lang, Number.isInteger(x) ? 0 : 2)}/${formatNumber(ind.per, lang)}` : pct(x);
      ind.brackets.forEach((b) => rows.push({ cond: `${sign} ${shown(b.threshold)}`, points: b.points, confirmed: b.confirmed }));
      rows.push({ cond: t('ws.otherwise'), points: 0, confirmed: ind.otherwise.confirmed });
      if (ind.kind === 'rate' || ind.kind === 'rate_per_n') rows.push({ cond: t('ws.denominatorZero'), points: ind.denominatorZero.points, confirmed: ind.denominatorZero.confirmed });
      break;
    }
  }
  return (
    <Table withTableBorder withColumnBorders verticalSpacing={4} maw={520} fz="sm" aria-label={t('ws.bracketsOf', { id: ind.id })}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{ind.kind === 'boolean' || ind.kind === 'choice' ? t('ws.answer') : t('ws.threshold')}</Table.Th>
          <Table.Th>{t('ws.points')}</Table.Th>
          <Table.Th>{t('ws.ruleStatus')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((r, i) => (
          <Table.Tr key={i}>
            <Table.Td>{r.cond}</Table.Td>
            <Table.Td>{r.points}</Table.Td>
            <Table.Td>
              <Confirmed confirmed={r.confirmed} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** "Tính: 35 → Điều chỉnh: 40 (lý do …)", and the dialog that sets or removes the override. */
export function OverrideControl({
  ind,
  res,
  disabled,
  error,
  onSave,
}: {
  ind: PackIndicator;
  res: IndicatorResult | undefined;
  disabled: boolean;
  error: ApiErrorShape | undefined;
  onSave(o: { points: number; reason: string } | null): Promise<ApiErrorShape | null>;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [points, setPoints] = useState<string | number>('');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const current = res?.override ?? null;

  const start = () => {
    setPoints(current?.points ?? res?.computed ?? '');
    setReason(current?.reason ?? '');
    setProblem(null);
    setOpen(true);
  };
  const submit = async (o: { points: number; reason: string } | null) => {
    if (o) {
      if (typeof o.points !== 'number' || !Number.isInteger(o.points) || o.points < 0 || o.points > ind.max) {
        setProblem(t('ws.override.badPoints', { max: ind.max }));
        return;
      }
      if (o.reason.trim().length < 3) {
        setProblem(t('ws.override.needReason'));
        return;
      }
    }
    setBusy(true);
    const err = await onSave(o);
    setBusy(false);
    if (err) setProblem(pick(err.message));
    else setOpen(false);
  };

  return (
    <>
      <Group gap="xs" wrap="wrap">
        {current && (
          <Text size="sm" data-testid={`override-${ind.id}`}>
            {t('ws.override.line', { computed: res?.computed ?? '—', points: current.points, reason: current.reason })}
          </Text>
        )}
        {!disabled && (
          <Button size="compact-sm" variant="subtle" leftSection={<IconAdjustments size={14} />} onClick={start} aria-label={t('ws.override.aria', { id: ind.id })}>
            {current ? t('ws.override.edit') : t('ws.override.open')}
          </Button>
        )}
      </Group>
      {error && (
        <Text size="sm" c="red">
          {pick(error.message)}
        </Text>
      )}
      <Modal opened={open} onClose={() => setOpen(false)} title={t('ws.override.title', { id: ind.id })}>
        <Stack>
          <Text size="sm" c="dimmed">
            {t('ws.override.help', { computed: res?.computed ?? '—', max: ind.max })}
          </Text>
          <NumberInput
            label={t('ws.override.points', { max: ind.max })}
            value={points}
            onChange={setPoints}
            allowDecimal={false}
            allowNegative={false}
            min={0}
            max={ind.max}
            data-autofocus
          />
          <Textarea label={t('ws.override.reason')} required value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} />
          {problem && (
            <Text c="red" size="sm" role="alert">
              {problem}
            </Text>
          )}
          <Group justify="space-between">
            {current ? (
              <Button variant="subtle" color="red" onClick={() => void submit(null)} loading={busy}>
                {t('ws.override.remove')}
              </Button>
            ) : (
              <span />
            )}
            <Group>
              <Button variant="default" onClick={() => setOpen(false)}>
                {t('common.cancel')}
              </Button>
              <Button onClick={() => void submit({ points: typeof points === 'number' ? points : NaN, reason })} loading={busy}>
                {t('common.save')}
              </Button>
            </Group>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** Whether every indicator of a criterion is assessed (entered and scorable, or overridden): only then are its points a result. */
export function criterionAssessed(c: Pick<CriterionResult, 'indicators'>): boolean {
  return c.indicators.every((i) => i.status === 'scored');
}

/**
 * A criterion's points: "40/50" when it is assessed; "chưa nhập đủ · 0/50" when an indicator is still to enter, so a
 * criterion not assessed never reads as "0 points, fails".
 */
export function CriterionPoints({ c, size = 'md' }: { c: CriterionResult; size?: 'sm' | 'md' | 'lg' }) {
  const { t } = useTranslation();
  if (criterionAssessed(c)) return <PointsBadge points={c.points} max={c.max} size={size} label={t('ws.aria.criterionPoints', { id: c.id, points: c.points, max: c.max })} />;
  return (
    <Tooltip label={t('ws.notFullyEnteredHelp')} multiline w={280} withArrow events={{ hover: true, focus: true, touch: true }}>
      <Badge
        size={size}
        color="orange"
        variant="light"
        tabIndex={0}
        aria-label={t('ws.aria.criterionNotFullyEntered', { id: c.id, points: c.points, max: c.max })}
        data-testid={`criterion-not-entered-${c.id}`}
        style={{ fontVariantNumeric: 'tabular-nums' }}
      >
        {t('ws.notFullyEntered')} · {c.points}/{c.max}
      </Badge>
    </Tooltip>
  );
}
