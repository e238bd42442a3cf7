import { Alert, Badge, Button, Group, List, Loader, Modal, Stack, Switch, Table, Text } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useCall } from '../api';
import { pick } from '../i18n';
import { pairRules, type Pack, type Rule } from './rules';

export type PackRef = { id: string; version: string };

const show = (v: unknown): string => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

function Flag({ r }: { r: Rule | null }) {
  const { t } = useTranslation();
  if (!r) return null;
  return r.confirmed ? (
    <Badge color="green" size="xs" style={{ flexShrink: 0 }}>
      {t('packs.confirmed')}
    </Badge>
  ) : (
    <Badge color="orange" size="xs" style={{ flexShrink: 0 }}>
      {t('packs.provisional')}
    </Badge>
  );
}

function Side({ r }: { r: Rule | null }) {
  const { t } = useTranslation();
  if (!r) {
    return (
      <Text size="xs" c="dimmed" fs="italic">
        {t('packsUi.absent')}
      </Text>
    );
  }
  return (
    <Stack gap={2}>
      <Group gap={6} wrap="nowrap">
        <Text size="sm" fw={500}>
          {r.rule === 'otherwise' ? t('packs.otherwise') : r.rule}
        </Text>
        {r.points !== null && r.rule !== 'otherwise' && (
          <Text size="sm" c="dimmed">
            → {r.points}
          </Text>
        )}
        <Flag r={r} />
      </Group>
      {r.title && <Text size="xs">{pick(r.title)}</Text>}
      <Text size="xs" c="dimmed">
        {r.source}
      </Text>
    </Stack>
  );
}

function Head({ a, b, label }: { a: ReactNode; b: ReactNode; label: string }) {
  const changed = JSON.stringify(a) !== JSON.stringify(b);
  return (
    <Table.Tr data-changed={changed} bg={changed ? 'yellow.1' : undefined}>
      <Table.Th w={150}>{label}</Table.Th>
      <Table.Td>{a}</Table.Td>
      <Table.Td>{b}</Table.Td>
    </Table.Tr>
  );
}

/** The pack-level fields of both versions, side by side. */
function PackHeads({ a, b }: { a: Pack; b: Pack }) {
  const { t } = useTranslation();
  const th = (p: Pack) => `${p.recognition.thresholds.urban_ward} / ${p.recognition.thresholds.mountain_island_disadvantaged} / ${p.recognition.thresholds.other}`;
  return (
    <Table withTableBorder fz="sm" layout="fixed" data-testid="packs-diff-heads">
      <Table.Tbody>
        <Head label={t('packs.pack')} a={`${a.id} ${a.version}`} b={`${b.id} ${b.version}`} />
        <Head label={t('packsUi.title')} a={pick(a.title)} b={pick(b.title)} />
        <Head label={t('packs.status')} a={a.status} b={b.status} />
        <Head label={t('packsUi.legalBasis')} a={pick(a.legalBasis)} b={pick(b.legalBasis)} />
        <Head label={t('packsUi.effectiveCol')} a={a.effectiveDate} b={b.effectiveDate} />
        <Head label={t('packsUi.max')} a={String(a.maxTotal)} b={String(b.maxTotal)} />
        <Head label={t('packsUi.thresholdsShort')} a={th(a)} b={th(b)} />
      </Table.Tbody>
    </Table>
  );
}

/**
 * Two versions of a pack side by side: the pack's fields, the list of changes (criteria/diff.ts through `packs.diff`),
 * then every rule of both (maxima, brackets, thresholds, wording, confirmed flags, sources), changed rows highlighted.
 */
export function PackDiffModal({ a, b, onClose }: { a: PackRef; b: PackRef; onClose(): void }) {
  const { t } = useTranslation();
  const pa = useCall('packs.get', a);
  const pb = useCall('packs.get', b);
  const diff = useCall('packs.diff', { a, b });
  const [onlyChanged, setOnlyChanged] = useState(false);
  const error = pa.error ?? pb.error ?? diff.error;
  const ready = pa.data && pb.data && diff.data;
  const pairs = ready ? pairRules(pa.data!.pack, pb.data!.pack) : [];
  const changedRows = pairs.filter((p) => p.changed).length;
  return (
    <Modal opened onClose={onClose} size="90%" title={t('packsUi.diffTitle', { a: `${a.id} ${a.version}`, b: `${b.id} ${b.version}` })}>
      {error && (
        <Alert color="red" role="alert">
          {pick(error.message)}
        </Alert>
      )}
      {!ready && !error && <Loader size="sm" />}
      {ready && (
        <Stack gap="md" data-testid="packs-diff">
          <Group justify="space-between">
            <Text size="sm" fw={600} data-testid="packs-diff-count">
              {t('packsUi.diffCount', { n: diff.data!.changes.length, rows: changedRows })}
            </Text>
            <Switch checked={onlyChanged} onChange={(e) => setOnlyChanged(e.currentTarget.checked)} label={t('packsUi.onlyChanged')} />
          </Group>
          <PackHeads a={pa.data!.pack} b={pb.data!.pack} />
          {diff.data!.changes.length > 0 && (
            <List size="xs" spacing={2} data-testid="packs-diff-changes" style={{ maxHeight: 180, overflow: 'auto' }}>
              {diff.data!.changes.map((c, n) => (
                <List.Item key={n}>
                  <b>{c.at}</b> {pick(c.what)}: {show(c.before)} → {show(c.after)}
                </List.Item>
              ))}
            </List>
          )}
          <Table withTableBorder fz="sm" layout="fixed" data-testid="packs-diff-rules">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={70}>{t('packs.where')}</Table.Th>
                <Table.Th>
                  {a.id} {a.version}
                </Table.Th>
                <Table.Th>
                  {b.id} {b.version}
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {pairs
                .filter((p) => !onlyChanged || p.changed)
                .map((p) => (
                  <Table.Tr key={p.key} data-changed={p.changed} data-key={p.key} bg={p.changed ? 'yellow.1' : undefined}>
                    <Table.Td>{p.where}</Table.Td>
                    <Table.Td>
                      <Side r={p.a} />
                    </Table.Td>
                    <Table.Td>
                      <Side r={p.b} />
                    </Table.Td>
                  </Table.Tr>
                ))}
            </Table.Tbody>
          </Table>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} data-testid="packs-diff-close">
              {t('packsUi.close')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
