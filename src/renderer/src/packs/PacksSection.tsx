import { Badge, Button, Code, Group, Modal, Paper, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCall } from '../api';
import { pick } from '../i18n';
import { PackDiffModal, type PackRef } from './PackDiff';
import { PackImport } from './PackImport';
import { ruleCounts, rulesOf } from './rules';

/** "Xem thang điểm": every rule with whether it is confirmed and its source. */
function ScaleModal({ id, version, onClose }: { id: string; version: string; onClose(): void }) {
  const { t } = useTranslation();
  const p = useCall('packs.get', { id, version });
  const counts = p.data ? ruleCounts(p.data.pack) : null;
  return (
    <Modal opened onClose={onClose} size="xl" title={t('packs.scaleTitle', { id, version })}>
      {counts && (
        <Text size="sm" mb="xs" data-testid="pack-scale-counts">
          {t('packsUi.ruleCounts', counts)}
        </Text>
      )}
      {p.data && (
        <Table withTableBorder fz="sm" data-testid="pack-scale">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('packs.where')}</Table.Th>
              <Table.Th>{t('packs.rule')}</Table.Th>
              <Table.Th>{t('packs.points')}</Table.Th>
              <Table.Th>{t('packs.confirmedCol')}</Table.Th>
              <Table.Th>{t('packs.source')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rulesOf(p.data.pack).map((r) => (
              <Table.Tr key={r.key} data-confirmed={r.confirmed}>
                <Table.Td>{r.where}</Table.Td>
                <Table.Td>
                  {r.key === 'recognition' ? `${t('packs.recognition')}: ${r.rule}` : r.rule === 'otherwise' ? t('packs.otherwise') : r.rule}
                  {r.title && (
                    <Text size="xs" c="dimmed">
                      {pick(r.title)}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{r.points ?? '—'}</Table.Td>
                <Table.Td>{r.confirmed ? <Badge color="green">{t('packs.confirmed')}</Badge> : <Badge color="orange">{t('packs.provisional')}</Badge>}</Table.Td>
                <Table.Td>{r.source}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Modal>
  );
}

/** Settings: the criteria packs (built-in, installed, signed by whom), status and hash, and each pack's scale. */
export function PacksSection() {
  const { t } = useTranslation();
  const packs = useCall('packs.list', {});
  const [scale, setScale] = useState<PackRef | null>(null);
  const [pickA, setPickA] = useState<string | null>(null);
  const [pickB, setPickB] = useState<string | null>(null);
  const [diff, setDiff] = useState<{ a: PackRef; b: PackRef } | null>(null);
  const items = packs.data?.items ?? [];
  const originOf = (p: (typeof items)[number]) =>
    p.issuer ? t('packs.signedBy', { name: p.issuer.name, fp: p.issuer.fingerprint }) : p.origin === 'builtin' ? t('packs.builtin') : t('packs.installed');
  const options = items.map((p) => ({ value: `${p.id}@${p.version}`, label: `${p.id} ${p.version} — ${originOf(p)}` }));
  const refOf = (v: string): PackRef => {
    const at = v.lastIndexOf('@');
    return { id: v.slice(0, at), version: v.slice(at + 1) };
  };
  return (
    <Stack gap="xs">
      <Title order={3} size="h4">
        {t('packs.title')}
      </Title>
      <Paper withBorder p="md" radius="md">
        <Text size="sm" c="dimmed" mb="xs">
          {t('packs.help')}
        </Text>
        <Table data-testid="packs-list">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('packs.pack')}</Table.Th>
              <Table.Th>{t('packs.status')}</Table.Th>
              <Table.Th>{t('packs.origin')}</Table.Th>
              <Table.Th>SHA-256</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((p) => (
              <Table.Tr key={`${p.id}@${p.version}`}>
                <Table.Td>
                  {p.id} {p.version}
                  <Text size="xs" c="dimmed">
                    {pick(p.title)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {p.status === 'official' && p.allConfirmed ? <Badge color="green">{t('packs.official')}</Badge> : <Badge color="orange">{t('packs.provisionalPack')}</Badge>}
                </Table.Td>
                <Table.Td>{originOf(p)}</Table.Td>
                <Table.Td>
                  <Code>{p.sha256.slice(0, 16)}</Code>
                </Table.Td>
                <Table.Td>
                  <Button size="xs" variant="light" onClick={() => setScale({ id: p.id, version: p.version })}>
                    {t('packs.viewScale')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Group mt="md" align="flex-end" gap="sm" data-testid="packs-compare">
          <Select label={t('packsUi.compareA')} data={options} value={pickA} onChange={setPickA} w={240} />
          <Select label={t('packsUi.compareB')} data={options} value={pickB} onChange={setPickB} w={240} />
          <Button variant="light" disabled={!pickA || !pickB || pickA === pickB} onClick={() => pickA && pickB && setDiff({ a: refOf(pickA), b: refOf(pickB) })}>
            {t('packsUi.compare')}
          </Button>
        </Group>
      </Paper>
      <PackImport onInstalled={() => void packs.reload()} />
      {diff && <PackDiffModal a={diff.a} b={diff.b} onClose={() => setDiff(null)} />}
      {scale && <ScaleModal id={scale.id} version={scale.version} onClose={() => setScale(null)} />}
    </Stack>
  );
}
