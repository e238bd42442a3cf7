import { Badge, Button, Code, Modal, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UiCallOutput as CallOutput } from '../../../api/contract';

type Pack = CallOutput<'packs.get'>['pack'];
import { useCall } from '../api';
import { pick } from '../i18n';

type Rule = { where: string; rule: string; points: number | null; confirmed: boolean; source: string };

/** Every rule of a pack, as a person checks it against the legal text: where, what, points, confirmed, source. */
function rulesOf(pack: Pack): Rule[] {
  const rows: Rule[] = [{ where: '—', rule: 'recognition', points: null, confirmed: pack.recognition.confirmed, source: pack.recognition.source }];
  for (const c of pack.criteria) {
    rows.push({ where: c.id, rule: `max ${c.max}`, points: c.max, confirmed: c.confirmed, source: c.source });
    for (const i of c.indicators) {
      rows.push({ where: i.id, rule: `${i.kind}, max ${i.max}`, points: i.max, confirmed: i.confirmed, source: i.source });
      if ('brackets' in i) {
        const op = i.kind === 'survey' || i.better === 'higher' ? '≥' : '≤';
        const unit = i.kind === 'count' ? '' : i.kind === 'rate_per_n' ? `/${i.per}` : '%';
        i.brackets.forEach((b) => rows.push({ where: i.id, rule: `${op} ${b.threshold}${unit}`, points: b.points, confirmed: b.confirmed, source: b.source }));
        rows.push({ where: i.id, rule: 'otherwise', points: 0, confirmed: i.otherwise.confirmed, source: i.otherwise.source });
      }
      if ('denominatorZero' in i) rows.push({ where: i.id, rule: '0/0', points: i.denominatorZero.points, confirmed: i.denominatorZero.confirmed, source: i.denominatorZero.source });
      if (i.kind === 'choice') i.options.forEach((o) => rows.push({ where: i.id, rule: pick(o.title), points: o.points, confirmed: o.confirmed, source: o.source }));
    }
  }
  return rows;
}

/** "Xem thang điểm": every rule with whether it is confirmed and its source. */
function ScaleModal({ id, version, onClose }: { id: string; version: string; onClose(): void }) {
  const { t } = useTranslation();
  const p = useCall('packs.get', { id, version });
  return (
    <Modal opened onClose={onClose} size="xl" title={t('packs.scaleTitle', { id, version })}>
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
            {rulesOf(p.data.pack).map((r, n) => (
              <Table.Tr key={n}>
                <Table.Td>{r.where}</Table.Td>
                <Table.Td>{r.rule === 'recognition' ? t('packs.recognition') : r.rule === 'otherwise' ? t('packs.otherwise') : r.rule}</Table.Td>
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
  const [scale, setScale] = useState<{ id: string; version: string } | null>(null);
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
            {(packs.data?.items ?? []).map((p) => (
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
                <Table.Td>{p.issuer ? t('packs.signedBy', { name: p.issuer.name, fp: p.issuer.fingerprint }) : p.origin === 'builtin' ? t('packs.builtin') : t('packs.installed')}</Table.Td>
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
      </Paper>
      {scale && <ScaleModal id={scale.id} version={scale.version} onClose={() => setScale(null)} />}
    </Stack>
  );
}
