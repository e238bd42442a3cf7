import { Group, NumberInput, Radio, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ApiErrorShape } from '../../../api/errors';
import { pick } from '../i18n';
import type { PackIndicator } from './types';
import { perN, percent, type Draft, type FieldErrors, type Num } from './values';

/** Which input of an indicator a server rejection names ("values.2.1.numerator" → "numerator"). */
export function serverErrors(err: ApiErrorShape | undefined): FieldErrors {
  if (!err) return {};
  const out: FieldErrors = {};
  const issues = err.issues && err.issues.length > 0 ? err.issues : [{ field: err.field ?? '', message: err.message }];
  for (const i of issues) {
    const f = i.field;
    const g = /groups\.([^.]+)\.(respondents|satisfied)$/.exec(f);
    const k = g ? `${g[1]}.${g[2]}` : /numerator$/.test(f) ? 'numerator' : /denominator$/.test(f) ? 'denominator' : 'value';
    out[k] ??= i.message;
  }
  if (Object.keys(out).length === 0) out['value'] = err.message;
  return out;
}

const toNum = (v: string | number): Num => v;

interface Props {
  ind: PackIndicator;
  draft: Draft;
  errors: FieldErrors;
  disabled: boolean;
  onChange(d: Draft): void;
}

/** The input an indicator's kind needs; every input names its indicator for screen readers. */
export function ValueInput({ ind, draft, errors, disabled, onChange }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const msg = (k: string) => (errors[k] ? pick(errors[k]) : undefined);
  const numberProps = {
    allowNegative: true,
    allowDecimal: true,
    decimalSeparator: lang === 'en' ? '.' : ',',
    hideControls: true,
    disabled,
    w: 170,
    inputMode: 'numeric' as const,
    onKeyDown: (e: React.KeyboardEvent) => {
      if (e.key === 'Enter') e.preventDefault();
    },
  };

  if (draft.kind === 'boolean' || (draft.kind === 'choice' && ind.kind === 'choice')) {
    const options =
      ind.kind === 'choice'
        ? ind.options.map((o) => ({ value: o.id, label: `${pick(o.title)} (${t('ws.pointsN', { n: o.points })})` }))
        : [
            { value: 'yes', label: `${t('common.yes')} (${t('ws.pointsN', { n: ind.max })})` },
            { value: 'no', label: `${t('common.no')} (${t('ws.pointsN', { n: 0 })})` },
          ];
    const pickValue = (v: string) => onChange(draft.kind === 'boolean' ? { kind: 'boolean', v: v as 'yes' | 'no' } : { kind: 'choice', v });
    return (
      <Stack gap={4}>
        <Group gap="lg" mt={4} role="radiogroup" aria-label={t('ws.aria.answer', { id: ind.id })} aria-invalid={msg('value') ? true : undefined}>
          {options.map((o) => (
            <Radio
              key={o.value}
              name={`answer-${ind.id}`}
              value={o.value}
              label={o.label}
              checked={draft.v === o.value}
              onChange={() => pickValue(o.value)}
              disabled={disabled}
            />
          ))}
          {draft.v === '' && (
            <Text size="sm" c="dimmed" fs="italic">
              {t('ws.notEntered')}
            </Text>
          )}
        </Group>
        {msg('value') && (
          <Text size="sm" c="red" role="alert">
            {msg('value')}
          </Text>
        )}
      </Stack>
    );
  }

  if (draft.kind === 'count') {
    const label = ind.kind === 'count' ? pick(ind.countLabel) : t('ws.count');
    return (
      <NumberInput
        {...numberProps}
        label={capital(label)}
        aria-label={t('ws.aria.count', { id: ind.id })}
        value={draft.v}
        onChange={(v) => onChange({ kind: 'count', v: toNum(v) })}
        error={msg('value')}
        w={220}
      />
    );
  }

  if (draft.kind === 'rate' && (ind.kind === 'rate' || ind.kind === 'rate_per_n')) {
    const n = typeof draft.numerator === 'number' ? draft.numerator : NaN;
    const d = typeof draft.denominator === 'number' ? draft.denominator : NaN;
    const ok = Number.isInteger(n) && Number.isInteger(d) && n >= 0 && d >= 0 && n <= d;
    const p = !ok ? null : ind.kind === 'rate_per_n' ? perN(n, d, ind.per, lang) : percent(n, d, lang);
    return (
      <Stack gap={4}>
        <Group align="flex-start" gap="sm" wrap="wrap">
          <NumberInput
            {...numberProps}
            label={capital(pick(ind.numeratorLabel))}
            aria-label={t('ws.aria.numerator', { id: ind.id })}
            value={draft.numerator}
            onChange={(v) => onChange({ ...draft, numerator: toNum(v) })}
            error={msg('numerator')}
            w={230}
          />
          <Text pt={30} c="dimmed" aria-hidden>
            /
          </Text>
          <NumberInput
            {...numberProps}
            label={capital(pick(ind.denominatorLabel))}
            aria-label={t('ws.aria.denominator', { id: ind.id })}
            value={draft.denominator}
            onChange={(v) => onChange({ ...draft, denominator: toNum(v) })}
            error={msg('denominator')}
            w={230}
          />
          <Stack gap={0} pt={24}>
            <Text size="xl" fw={700} data-testid={`pct-${ind.id}`} aria-live="polite" style={{ fontVariantNumeric: 'tabular-nums' }}>
              {p ?? (ok && d === 0 ? t('ws.noneInScope') : '—')}
            </Text>
          </Stack>
        </Group>
        {msg('value') && (
          <Text size="sm" c="red" role="alert">
            {msg('value')}
          </Text>
        )}
      </Stack>
    );
  }

  if (draft.kind === 'survey' && ind.kind === 'survey') {
    let allR = 0;
    let allS = 0;
    let complete = true;
    const rows = ind.groups.map((g) => {
      const v = draft.groups[g.id] ?? { respondents: '', satisfied: '' };
      const r = typeof v.respondents === 'number' ? v.respondents : NaN;
      const s = typeof v.satisfied === 'number' ? v.satisfied : NaN;
      const ok = Number.isInteger(r) && Number.isInteger(s) && r >= 0 && s >= 0 && s <= r;
      if (ok) {
        allR += r;
        allS += s;
      } else complete = false;
      const group = pick(g.title);
      const set = (field: 'respondents' | 'satisfied', x: Num) => onChange({ kind: 'survey', groups: { ...draft.groups, [g.id]: { ...v, [field]: x } } });
      return (
        <Table.Tr key={g.id}>
          <Table.Td>
            <Text fw={500}>{group}</Text>
            <Text size="xs" c={ok && r < g.minRespondents ? 'red' : 'dimmed'}>
              {t('ws.minRespondents', { n: g.minRespondents })}
            </Text>
          </Table.Td>
          <Table.Td>
            <NumberInput
              {...numberProps}
              w={130}
              aria-label={t('ws.aria.respondents', { id: ind.id, group })}
              value={v.respondents}
              onChange={(x) => set('respondents', toNum(x))}
              error={msg(`${g.id}.respondents`)}
            />
          </Table.Td>
          <Table.Td>
            <NumberInput
              {...numberProps}
              w={130}
              aria-label={t('ws.aria.satisfied', { id: ind.id, group })}
              value={v.satisfied}
              onChange={(x) => set('satisfied', toNum(x))}
              error={msg(`${g.id}.satisfied`)}
            />
          </Table.Td>
          <Table.Td data-testid={`pct-${ind.id}-${g.id}`} style={{ fontVariantNumeric: 'tabular-nums' }}>
            {ok ? (percent(s, r, lang) ?? '—') : '—'}
          </Table.Td>
        </Table.Tr>
      );
    });
    return (
      <Stack gap={4}>
        <Table withTableBorder verticalSpacing={6} maw={640}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('ws.survey.group')}</Table.Th>
              <Table.Th>{t('ws.survey.respondents')}</Table.Th>
              <Table.Th>{t('ws.survey.satisfied')}</Table.Th>
              <Table.Th>{t('ws.survey.rate')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>{rows}</Table.Tbody>
        </Table>
        <Text size="sm" c="dimmed">
          {pick(ind.satisfiedWhen)}
        </Text>
        <Text fw={600} data-testid={`pct-${ind.id}`}>
          {t('ws.survey.all')}: {complete && allR > 0 ? percent(allS, allR, lang) : '—'}
        </Text>
        {msg('value') && (
          <Text size="sm" c="red" role="alert">
            {msg('value')}
          </Text>
        )}
      </Stack>
    );
  }
  return null;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

