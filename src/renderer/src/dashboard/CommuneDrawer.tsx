import { Alert, Badge, Card, Code, Drawer, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { IconKey, IconShieldCheck } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { CommuneStatusView, CustodyPackageView } from '../../../api/calls/dashboard';
import { useCall } from '../api';
import { ProvisionalBadge } from '../assessment/bits';
import { pick } from '../i18n';
import { formatDate } from '../lib/text';
import { STATUS_COLOR } from './CommuneTable';
import { editionDate } from '../lib/edition';

const short = (sha: string) => `${sha.slice(0, 8)}…${sha.slice(-4)}`;

function PackageCard({ p }: { p: CustodyPackageView }) {
  const { t } = useTranslation();
  return (
    <Card withBorder padding="sm" data-testid="custody-package" data-kind={p.kind} style={p.counted ? { borderColor: 'var(--mantine-color-teal-5)', borderWidth: 2 } : undefined}>
      <Group justify="space-between" wrap="nowrap">
        <Group gap={6}>
          <Badge variant="filled" color={p.kind === 'review' ? 'indigo' : 'blue'} style={{ textTransform: 'none' }}>
            {t(`dash.kind.${p.kind}`)}
          </Badge>
          <Text size="sm" fw={600}>{t('dash.revision', { n: p.revision })}</Text>
          <Badge variant="light" color={p.state === 'current' ? 'teal' : p.state === 'conflict' ? 'grape' : 'gray'} style={{ textTransform: 'none' }}>
            {t(`dash.state.${p.state}`)}
          </Badge>
          {p.counted && <Badge color="teal" variant="outline" style={{ textTransform: 'none' }}>{t('dash.counted')}</Badge>}
          {p.provisional && <ProvisionalBadge size="xs" />}
        </Group>
        <Text size="sm">
          {t('dash.total')}: <b>{p.total}</b>
        </Text>
      </Group>
      <Text size="sm" mt={4}>
        {p.decision ? `${t('dash.decision')}: ${t(`dash.st.${p.decision}`)}` : `${t('dash.status')}: ${t(`dash.st.self_${p.verdict === 'recognised' ? 'recognised' : p.verdict === 'incomplete' ? 'incomplete' : 'not_recognised'}`)}`}
        {p.decisionReasons.length > 0 && ` — ${p.decisionReasons.join('; ')}`}
      </Text>
      <Stack gap={2} mt={6}>
        <Group gap={6} wrap="nowrap">
          <IconKey size={14} />
          <Text size="xs">
            {t('dash.signedBy')}: <b>{p.signer.name}</b> ({p.signer.title}, {p.signer.organisation}, {p.signer.role}) · {t('dash.key')} <Code>{p.signer.fingerprint}</Code> ({t(`dash.trust.${p.signer.trust}`)})
          </Text>
        </Group>
        <Group gap={6} wrap="nowrap">
          <IconShieldCheck size={14} />
          <Text size="xs">
            {t(`dash.trustDecision.${p.trustDecision}`)}
            {p.decisionReason ? ` — ${p.decisionReason}` : ''} · {t('dash.created')} {formatDate(p.createdAt)} · {t('dash.imported', { at: formatDate(p.importedAt), by: p.importedBy })}
          </Text>
        </Group>
        <Text size="xs" c="dimmed">
          SHA-256 <Code>{short(p.manifestSha256)}</Code> · {p.pack}
          {p.innerManifestSha256 && (
            <>
              {' '}· {t('dash.reviewOf')} <Code>{short(p.innerManifestSha256)}</Code>
            </>
          )}
          {p.reviewedBy.length > 0 && (
            <>
              {' '}· {t('dash.reviewedIn')} {p.reviewedBy.map((s) => <Code key={s}>{short(s)}</Code>)}
            </>
          )}
        </Text>
      </Stack>
    </Card>
  );
}

type DetailYear = { year: number; status: CommuneStatusView; packages: CustodyPackageView[] };

function Years({ years }: { years: DetailYear[] }) {
  const { t } = useTranslation();
  return (
    <>
      {years.map((y) => (
        <Stack key={y.year} gap="xs" data-testid="drawer-year">
          <Group>
            <Title order={5}>{y.year}</Title>
            <Badge color={STATUS_COLOR[y.status]} variant="light" style={{ textTransform: 'none' }}>
              {t(`dash.st.${y.status}`)}
            </Badge>
          </Group>
          {y.packages.map((p) => (
            <PackageCard key={p.manifestSha256} p={p} />
          ))}
        </Stack>
      ))}
    </>
  );
}

/**
 * A commune's packages per year: what counts, every revision and state, and who signed what, when, with which key; for
 * a commune of today's catalogue, the old communes that went into it, each with its packages in its own edition.
 */
export function CommuneDrawer({ code, edition, onClose }: { code: string | null; edition?: string | undefined; onClose(): void }) {
  const { t } = useTranslation();
  const q = useCall('dashboard.commune', code ? { unitCode: code, ...(edition ? { edition } : {}) } : null);
  const d = q.data && q.data.unit.code === code ? q.data : undefined;
  return (
    <Drawer opened={code !== null} onClose={onClose} position="right" size="xl" title={<Title order={4}>{t('dash.drill')}</Title>} data-testid="commune-drawer">
      {q.error && <Alert color="red">{pick(q.error.message)}</Alert>}
      {!d && !q.error && <Loader />}
      {d && (
        <Stack>
          <div>
            <Title order={3} data-testid="drawer-unit">{d.unit.name}</Title>
            <Text size="sm" c="dimmed">
              {d.unit.code} · {[...d.unit.ancestors].reverse().map((a) => a.name).join(', ')} · {t('reformHistory.edition', { date: editionDate(d.unit.edition) })}
            </Text>
          </div>
          {d.years.length === 0 && <Text>{t('dash.st.not_assessed')}</Text>}
          <Years years={d.years} />
          {d.predecessors.length > 0 && (
            <Stack gap="sm" data-testid="drawer-predecessors">
              <Title order={4}>{t('reformHistory.drawerPredecessors')}</Title>
              {d.predecessors.map((p) => (
                <Card key={p.unit.code} withBorder padding="sm" data-testid="drawer-predecessor">
                  <Group gap={6}>
                    <Text fw={600}>{p.unit.name}</Text>
                    <Badge size="sm" variant={p.whole ? 'outline' : 'filled'} color={p.whole ? 'gray' : 'yellow'} style={{ textTransform: 'none' }}>
                      {p.whole ? t('reformHistory.whole') : t('reformHistory.part')}
                    </Badge>
                  </Group>
                  <Text size="xs" c="dimmed" mb={6}>
                    {p.unit.code} · {[...p.unit.ancestors].reverse().map((a) => a.name).join(', ')} · {t('reformHistory.edition', { date: editionDate(p.unit.edition) })}
                  </Text>
                  {p.years.length === 0 ? <Text size="sm">{t('reformHistory.noPackages')}</Text> : <Years years={p.years} />}
                </Card>
              ))}
            </Stack>
          )}
        </Stack>
      )}
    </Drawer>
  );
}
