import { Badge, Group, List, Text, Tooltip, VisuallyHidden, type MantineSize } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconCircleX, IconShieldQuestion } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { UiCallOutput as CallOutput } from '../../../api/contract';
import { pick } from '../i18n';

export type VerifiedPackage = CallOutput<'packages.verify'>['items'][number];
export type ImportItem = CallOutput<'packages.import'>['items'][number];
export type ImportSummary = CallOutput<'packages.import'>['summary'];
export type PackageSummary = CallOutput<'packages.list'>['items'][number];
export type PackageDetail = CallOutput<'packages.get'>;
export type SigningKey = CallOutput<'keys.list'>['items'][number];
export type TrustedKey = CallOutput<'trust.list'>['items'][number];
export type Reason = VerifiedPackage['reasons'][number];
export type Outcome = VerifiedPackage['outcome'];

/**
 * A key fingerprint as people compare it: groups of four in a large monospace font, with a spelled-out label for screen
 * readers ("2 1 F E, 3 1 D F, …") so it can be read aloud over the phone.
 */
export function Fingerprint({ value, size = 'xl', testId }: { value: string; size?: MantineSize; testId?: string }) {
  const { t } = useTranslation();
  const groups = value.trim().split(/\s+/);
  const spelled = groups.map((g) => g.split('').join(' ')).join(', ');
  return (
    <>
      <Text
        component="span"
        ff="monospace"
        fz={size}
        fw={700}
        style={{ letterSpacing: '0.08em', wordSpacing: '0.3em', whiteSpace: 'nowrap' }}
        aria-hidden
        data-testid={testId}
      >
        {groups.join(' ')}
      </Text>
      <VisuallyHidden>{t('keys.fingerprintAria', { spelled })}</VisuallyHidden>
    </>
  );
}

/** The whole SHA-256 of the key in groups of four, small, for a careful comparison. */
export function FullFingerprint({ value }: { value: string }) {
  return (
    <Text ff="monospace" size="xs" c="dimmed" style={{ wordBreak: 'break-word' }}>
      {value}
    </Text>
  );
}

const OUTCOME_COLOR: Record<Outcome, string> = { valid: 'teal', untrusted: 'orange', invalid: 'red' };

/** Hợp lệ / Chưa tin cậy / Không hợp lệ, with an icon so the colour is not the only cue. */
export function OutcomeBadge({ outcome, size = 'lg' }: { outcome: Outcome; size?: MantineSize }) {
  const { t } = useTranslation();
  const Icon = outcome === 'valid' ? IconCircleCheck : outcome === 'untrusted' ? IconShieldQuestion : IconCircleX;
  return (
    <Badge
      color={OUTCOME_COLOR[outcome]}
      size={size}
      variant="filled"
      tt="none"
      leftSection={<Icon size={16} />}
      style={{ flexShrink: 0, overflow: 'visible' }}
      styles={{ label: { overflow: 'visible' } }}
      data-testid="outcome-badge"
      data-outcome={outcome}
    >
      {t(`pkg.outcome.${outcome}`)}
    </Badge>
  );
}

export function StateBadge({ state }: { state: PackageSummary['state'] }) {
  const { t } = useTranslation();
  const color = state === 'current' ? 'teal' : state === 'conflict' ? 'red' : 'gray';
  return (
    <Badge color={color} variant={state === 'current' ? 'light' : 'outline'} data-testid="state-badge">
      {t(`pkg.state.${state}`)}
    </Badge>
  );
}

export function TrustBadge({ trust }: { trust: 'trusted' | 'unknown' | 'revoked' }) {
  const { t } = useTranslation();
  const color = trust === 'trusted' ? 'teal.8' : trust === 'revoked' ? 'red.8' : 'orange.8';
  const Icon = trust === 'trusted' ? IconCircleCheck : trust === 'revoked' ? IconCircleX : IconShieldQuestion;
  return (
    <Group gap={4} wrap="nowrap" align="flex-start">
      <Icon size={14} color={`var(--mantine-color-${color.replace('.', '-')})`} style={{ flexShrink: 0, marginTop: 2 }} />
      <Text size="xs" fw={600} c={color} data-testid="trust-badge">
        {t(`pkg.trust.${trust}`)}
      </Text>
    </Group>
  );
}

/**
 * What exactly is wrong: each reason's message in the current language, with the other language on hover/focus and
 * its code (for support and the format's documentation); the entry concerned and the detail when there is one.
 */
export function ReasonList({ reasons, color }: { reasons: Reason[]; color: string }) {
  const { i18n } = useTranslation();
  const other = (m: Reason['message']) => (i18n.language === 'en' ? m.vi : m.en);
  return (
    <List size="sm" spacing={4} icon={<IconAlertTriangle size={16} color={`var(--mantine-color-${color}-7)`} />} data-testid="reasons">
      {reasons.map((r, i) => (
        <List.Item key={i} data-code={r.code}>
          <Tooltip label={other(r.message)} multiline w={320} withArrow events={{ hover: true, focus: true, touch: true }}>
            <Text span size="sm" fw={500} tabIndex={0} data-testid="reason-message">
              {pick(r.message)}
            </Text>
          </Tooltip>
          <Group gap={6} wrap="wrap">
            <Text span size="xs" c="dimmed" ff="monospace">
              {r.code}
              {r.path ? ` · ${r.path}` : ''}
            </Text>
            {r.detail && (
              <Text span size="xs" c="dimmed" style={{ wordBreak: 'break-word' }}>
                {r.detail}
              </Text>
            )}
          </Group>
        </List.Item>
      ))}
    </List>
  );
}

/** Saves text as a file through the browser's download (both shells): a Blob and an `<a download>`. */
export function downloadText(fileName: string, content: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
