import { Accordion, Alert, Badge, Drawer, Group, List, Loader, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { Fragment, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiErrorShape } from '../../../api/errors';
import { api, errorOf } from '../api';
import { AuditTable } from '../assessment/Audit';
import type { AuditItem, Pack, PackIndicator } from '../assessment/types';
import { describeValue, formatSize } from '../assessment/values';
import { pick } from '../i18n';
import { formatDate, formatNumber } from '../lib/text';
import { Fingerprint, OutcomeBadge, StateBadge, type PackageDetail, type PackageSummary } from './bits';

/** One imported package in full: the chain (signer, key, trust decision, who and when), values and points, evidence, audit. */
export function PackageDrawer({ summary, onClose }: { summary: PackageSummary | null; onClose(): void }) {
  const { t } = useTranslation();
  const [d, setD] = useState<PackageDetail | null>(null);
  const [pack, setPack] = useState<Pack | null>(null);
  const [error, setError] = useState<ApiErrorShape | null>(null);
  const sha = summary?.manifestSha256 ?? null;

  useEffect(() => {
    if (!sha) return;
    let live = true;
    setD(null);
    setError(null);
    api
      .call('packages.get', { manifestSha256: sha })
      .then(async (detail) => {
        if (!live) return;
        setD(detail);
        try {
          const p = await api.call('packs.get', { id: detail.pack.id, version: detail.pack.version });
          if (live) setPack(p.pack);
        } catch {
          if (live) setPack(null); // Titles are a help: the ids and values still show.
        }
      })
      .catch((e: unknown) => live && setError(errorOf(e)));
    return () => {
      live = false;
    };
  }, [sha]);

  return (
    <Drawer
      opened={summary !== null}
      onClose={onClose}
      position="right"
      size="xl"
      title={summary ? t('pkg.detail.title', { unit: summary.unit.name, year: summary.year, revision: summary.revision }) : ''}
    >
      {error && (
        <Alert color="red" role="alert">
          {pick(error.message)}
        </Alert>
      )}
      {!d && !error && <Loader aria-label={t('common.loading')} />}
      {d && <Detail d={d} pack={pack} />}
    </Drawer>
  );
}

function Detail({ d, pack }: { d: PackageDetail; pack: Pack | null }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const indicators = new Map<string, PackIndicator>();
  for (const c of pack?.criteria ?? []) for (const ind of c.indicators) indicators.set(ind.id, ind);
  const critTitle = new Map((pack?.criteria ?? []).map((c) => [c.id, c]));
  const audit: AuditItem[] = d.audit.map((a) => ({ ...a, revisionId: '', action: a.action as AuditItem['action'] }));
  const entriesOf = (cid: string) =>
    Object.entries(d.entries)
      .filter(([id]) => id.split('.')[0] === cid)
      .sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }));

  return (
    <Stack gap="md" data-testid="package-detail">
      <Group gap="xs">
        <Badge variant="light">{t(`pkg.kind.${d.kind}`)}</Badge>
        <StateBadge state={d.state} />
        <Text size="sm" fw={600}>
          {formatNumber(d.total, lang)} — {t(`ws.verdict.${d.verdict}`, { defaultValue: d.verdict })}
        </Text>
      </Group>

      <Paper withBorder p="md" radius="md" data-testid="package-chain">
        <Title order={3} size="h5" mb="xs">
          {t('pkg.detail.chain')}
        </Title>
        <Table variant="vertical" layout="fixed" fz="sm">
          <Table.Tbody>
            <Table.Tr>
              <Table.Th w={220}>{t('pkg.detail.signer')}</Table.Th>
              <Table.Td>
                {d.signer.name} · {t(`role.${d.signer.role}`, { defaultValue: d.signer.role })}
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('pkg.detail.key')}</Table.Th>
              <Table.Td>
                <Fingerprint value={d.signer.fingerprint} size="lg" />
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('pkg.detail.outcome')}</Table.Th>
              <Table.Td>
                <OutcomeBadge outcome={d.outcome} size="md" />
              </Table.Td>
            </Table.Tr>
            {d.untrustedReasons.length > 0 && (
              <Table.Tr>
                <Table.Th>{t('pkg.detail.untrusted')}</Table.Th>
                <Table.Td>
                  <List size="sm">
                    {d.untrustedReasons.map((r, i) => (
                      <List.Item key={i}>
                        {t(`pkg.untrustedCode.${r.code}`, { defaultValue: r.code })}
                        {r.detail ? ` (${r.detail})` : ''}
                      </List.Item>
                    ))}
                  </List>
                </Table.Td>
              </Table.Tr>
            )}
            <Table.Tr>
              <Table.Th>{t('pkg.detail.decision')}</Table.Th>
              <Table.Td>
                {t(`pkg.decision.${d.trustDecision}`)}
                {d.decisionReason ? ` — ${t('pkg.detail.decisionReason')}: ${d.decisionReason}` : ''}
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('pkg.detail.decidedBy')}</Table.Th>
              <Table.Td>
                {d.decidedBy}, {formatDate(d.decidedAt)}
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('pkg.detail.importedBy')}</Table.Th>
              <Table.Td>
                {d.importedBy}, {formatDate(d.importedAt)}
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('pkg.detail.people')}</Table.Th>
              <Table.Td>
                <Text size="sm">{t('pkg.detail.createdBy', { who: d.people.createdBy, when: formatDate(d.people.createdAt) })}</Text>
                {d.people.submittedBy && d.people.submittedAt && (
                  <Text size="sm">{t('pkg.detail.submittedBy', { who: d.people.submittedBy, when: formatDate(d.people.submittedAt) })}</Text>
                )}
              </Table.Td>
            </Table.Tr>
            {d.innerManifestSha256 && (
              <Table.Tr>
                <Table.Th>{t('pkg.detail.inner')}</Table.Th>
                <Table.Td ff="monospace" style={{ wordBreak: 'break-all' }}>
                  {d.innerManifestSha256}
                </Table.Td>
              </Table.Tr>
            )}
            <Table.Tr>
              <Table.Th>{t('pkg.detail.manifest')}</Table.Th>
              <Table.Td ff="monospace" fz="xs" style={{ wordBreak: 'break-all' }}>
                {d.manifestSha256}
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('pkg.detail.fileSize')}</Table.Th>
              <Table.Td>{formatSize(d.fileSize, lang)}</Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
      </Paper>

      {d.review && (
        <Paper withBorder p="md" radius="md">
          <Title order={3} size="h5" mb="xs">
            {t('pkg.detail.review')}
          </Title>
          <Text size="sm" fw={600}>
            {t(`pkg.detail.reviewDecision.${d.review.decision}`)}
          </Text>
          {d.review.reasons.length > 0 && (
            <List size="sm">
              {d.review.reasons.map((r, i) => (
                <List.Item key={i}>{r}</List.Item>
              ))}
            </List>
          )}
          {d.review.findings && (
            <Text size="sm" mt="xs">
              {t('pkg.detail.findings')}: {d.review.findings}
            </Text>
          )}
          {d.review.team.length > 0 && (
            <Text size="sm" mt="xs">
              {t('pkg.detail.team')}: {d.review.team.map((m) => `${m.name}${m.title ? ` (${m.title})` : ''}`).join(', ')}
            </Text>
          )}
        </Paper>
      )}

      <Accordion multiple defaultValue={['values']} variant="separated">
        <Accordion.Item value="values">
          <Accordion.Control>{t('pkg.detail.values')}</Accordion.Control>
          <Accordion.Panel>
            <Table fz="sm" verticalSpacing={4} data-testid="package-values">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={70}>{t('pkg.detail.indicator')}</Table.Th>
                  <Table.Th>{t('pkg.detail.value')}</Table.Th>
                  <Table.Th w={150}>{t('pkg.detail.points')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d.criteria.map((c) => {
                  const ct = critTitle.get(c.id);
                  return (
                    <Fragment key={c.id}>
                      <Table.Tr bg="gray.0">
                        <Table.Td fw={700}>{c.id}</Table.Td>
                        <Table.Td fw={600}>{ct ? pick(ct.title) : ''}</Table.Td>
                        <Table.Td fw={700}>
                          {c.points}
                          {ct ? `/${ct.max}` : ''}
                        </Table.Td>
                      </Table.Tr>
                      {entriesOf(c.id).map(([id, e]) => {
                        const ind = indicators.get(id);
                        return (
                          <Table.Tr key={id}>
                            <Table.Td>{id}</Table.Td>
                            <Table.Td>
                              {ind && (
                                <Text size="xs" c="dimmed">
                                  {pick(ind.title)}
                                </Text>
                              )}
                              <Text size="sm">{describeValue(e.value, lang, ind)}</Text>
                              {e.note && (
                                <Text size="xs" c="dimmed">
                                  {t('pkg.detail.note')}: {e.note}
                                </Text>
                              )}
                            </Table.Td>
                            <Table.Td>
                              <Text size="sm" fw={600}>
                                {e.points}
                              </Text>
                              {e.override && (
                                <Text size="xs" c="orange.8">
                                  {t('pkg.detail.computed', { n: e.computed ?? '—' })}; {t('pkg.detail.override', { points: e.override.points, reason: e.override.reason })}
                                </Text>
                              )}
                            </Table.Td>
                          </Table.Tr>
                        );
                      })}
                    </Fragment>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Accordion.Panel>
        </Accordion.Item>
        <Accordion.Item value="evidence">
          <Accordion.Control>{t('pkg.detail.evidence', { n: d.evidence.length })}</Accordion.Control>
          <Accordion.Panel>
            {d.evidence.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t('pkg.detail.noEvidence')}
              </Text>
            ) : (
              <Stack gap={4} data-testid="package-evidence">
                {d.evidence.map((e) => (
                  <Group key={e.sha256 + (e.indicatorId ?? '')} gap="sm" wrap="nowrap">
                    {e.indicatorId && (
                      <Badge size="sm" variant="light">
                        {e.indicatorId}
                      </Badge>
                    )}
                    <Text size="sm" fw={500} truncate style={{ flex: 1 }}>
                      {e.name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {formatSize(e.size, lang)} · {e.addedBy} · {formatDate(e.addedAt)}
                      {!e.stored ? ` · ${t('pkg.detail.notStored')}` : ''}
                    </Text>
                  </Group>
                ))}
              </Stack>
            )}
          </Accordion.Panel>
        </Accordion.Item>
        <Accordion.Item value="audit">
          <Accordion.Control>{t('pkg.detail.audit')}</Accordion.Control>
          <Accordion.Panel>
            <AuditTable items={audit} indicators={indicators} showIndicator />
          </Accordion.Panel>
        </Accordion.Item>
      </Accordion>
    </Stack>
  );
}
