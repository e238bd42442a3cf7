import { Badge, Group, Stack, Text, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconCopy } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { pick } from '../i18n';
import type { Bilingual, Detail, Summary } from './types';

/** The honesty wording of the criteria spec, for a rule not yet checked against the legal text. */
export const HONESTY: Bilingual = {
  vi: 'Kết quả tạm tính: thang điểm của một số tiêu chí chưa được đối chiếu với văn bản gốc',
  en: 'Provisional result: the scoring scale of some criteria has not yet been checked against the original legal text',
};

/** "Tạm tính": a rule (or result) that is provisional, with the honesty wording on hover and focus. */
export function ProvisionalBadge({ notice, size = 'sm' }: { notice?: Bilingual | null; size?: 'xs' | 'sm' | 'md' | 'lg' }) {
  const { t } = useTranslation();
  const text = pick(notice ?? HONESTY);
  return (
    <Tooltip label={text} multiline w={320} withArrow events={{ hover: true, focus: true, touch: true }}>
      <Badge
        size={size}
        color="yellow"
        variant="light"
        leftSection={<IconAlertTriangle size={12} />}
        tabIndex={0}
        aria-label={`${t('ws.provisional')}: ${text}`}
        data-testid="provisional-badge"
        style={{ cursor: 'help' }}
      >
        {t('ws.provisional')}
      </Badge>
    </Tooltip>
  );
}

export function StatusBadge({ status, superseded, vertical }: { status: Detail['status']; superseded?: boolean; vertical?: boolean }) {
  const { t } = useTranslation();
  const Wrap = vertical ? Stack : Group;
  return (
    <Wrap gap={4} {...(vertical ? { align: 'flex-start' } : { wrap: 'nowrap' })} style={{ flexShrink: 0 }}>
      <Badge color={status === 'submitted' ? 'blue' : 'gray'} variant="light" data-testid="status-badge">
        {t(`ws.status.${status}`)}
      </Badge>
      {superseded && (
        <Badge color="gray" variant="outline">
          {t('ws.superseded')}
        </Badge>
      )}
    </Wrap>
  );
}

export function VerdictBadge({ verdict, size = 'md' }: { verdict: Summary['verdict']; size?: 'sm' | 'md' | 'lg' | 'xl' }) {
  const { t } = useTranslation();
  const color = verdict === 'recognised' ? 'teal' : verdict === 'not_recognised' ? 'red' : 'orange';
  return (
    <Badge color={color} size={size} variant="filled" data-testid="verdict-badge">
      {t(`ws.verdict.${verdict}`)}
    </Badge>
  );
}

export function CopiedBadge({ year }: { year?: number | undefined }) {
  const { t } = useTranslation();
  return (
    <Tooltip label={t('ws.copiedHelp')} multiline w={280} withArrow events={{ hover: true, focus: true, touch: true }}>
      <Badge color="grape" variant="light" leftSection={<IconCopy size={12} />} tabIndex={0} data-testid="copied-badge">
        {year ? t('ws.copiedFromYear', { year }) : t('ws.copied')}
      </Badge>
    </Tooltip>
  );
}

/** "40/50" with a colour: full, some, none. */
export function PointsBadge({ points, max, size = 'md', label }: { points: number; max: number; size?: 'sm' | 'md' | 'lg'; label?: string }) {
  const color = points >= max ? 'teal' : points > 0 ? 'blue' : 'gray';
  return (
    <Badge size={size} color={color} variant={points >= max ? 'filled' : 'light'} aria-label={label} style={{ fontVariantNumeric: 'tabular-nums' }}>
      {points}/{max}
    </Badge>
  );
}

export function Dimmed({ children }: { children: React.ReactNode }) {
  return (
    <Text size="sm" c="dimmed">
      {children}
    </Text>
  );
}
