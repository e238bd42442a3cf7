import { Alert, Anchor, Badge, Button, Group, List, Loader, Modal, Select, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { IconArrowRight, IconReplace } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallOutput } from '../../../api/contract';
import type { ApiErrorShape } from '../../../api/errors';
import { api, errorOf, useCall } from '../api';
import { pick } from '../i18n';
import type { Workspace } from '../assessment/useWorkspace';
import { PackDiffModal } from './PackDiff';

type Plan = CallOutput<'packs.repackDraft'>;
type Score = Plan['before'];

function verdictColor(s: Score) {
  return s.verdict === 'recognised' ? 'teal' : s.verdict === 'not_recognised' ? 'red' : 'orange';
}

function ScoreCard({ label, s, testId }: { label: string; s: Score; testId: string }) {
  const { t } = useTranslation();
  return (
    <Stack gap={2} data-testid={testId}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fz={28} fw={800} c={`${verdictColor(s)}.8`} lh={1}>
        {s.total}/{s.maxTotal}
      </Text>
      <Text size="xs">
        {t(`ws.verdict.${s.verdict}`)} · {t('packsUi.thresholdIs', { n: s.threshold })}
        {s.provisional ? ` · ${t('ws.provisional')}` : ''}
      </Text>
    </Stack>
  );
}

/** What the move would do: the score before and after, per criterion; kept values; values flagged for entry, with why. */
function PlanView({ plan, revisionId }: { plan: Plan; revisionId: string }) {
  const { t } = useTranslation();
  const after = new Map(plan.after.criteria.map((c) => [c.id, c]));
  const ids = [...new Set([...plan.before.criteria.map((c) => c.id), ...plan.after.criteria.map((c) => c.id)])];
  const before = new Map(plan.before.criteria.map((c) => [c.id, c]));
  return (
    <Stack gap="sm" data-testid="packs-move-plan">
      <Group gap="xl" align="center">
        <ScoreCard label={t('packsUi.before', { version: plan.from.version })} s={plan.before} testId="packs-move-before" />
        <IconArrowRight size={28} />
        <ScoreCard label={t('packsUi.after', { version: plan.to.version })} s={plan.after} testId="packs-move-after" />
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <Text size="sm" data-testid="packs-move-kept">
          {t('packsUi.kept', { n: plan.kept.length })}
        </Text>
        <Text size="sm" c={plan.flagged.length + plan.added.length ? 'orange.8' : undefined} data-testid="packs-move-flagged-count">
          {t('packsUi.flaggedCount', { n: plan.flagged.length + plan.added.length })}
        </Text>
      </SimpleGrid>
      {(plan.flagged.length > 0 || plan.added.length > 0) && (
        <List size="sm" spacing={2} data-testid="packs-move-flagged">
          {plan.flagged.map((f) => (
            <List.Item key={f.indicatorId}>
              <Anchor href={`#/assessments/${revisionId}/${f.indicatorId.split('.')[0]}`} size="sm">
                {f.indicatorId}
              </Anchor>
              : {pick(f.reason)}
            </List.Item>
          ))}
          {plan.added.map((id) => (
            <List.Item key={id}>
              {id}: {t('packsUi.addedIndicator', { version: plan.to.version })}
            </List.Item>
          ))}
        </List>
      )}
      <Table withTableBorder fz="sm" data-testid="packs-move-criteria">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={50}>#</Table.Th>
            <Table.Th>{t('packsUi.criterion')}</Table.Th>
            <Table.Th w={120}>{plan.from.version}</Table.Th>
            <Table.Th w={120}>{plan.to.version}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {ids.map((id) => {
            const b = before.get(id);
            const a = after.get(id);
            const changed = b?.points !== a?.points || b?.max !== a?.max;
            return (
              <Table.Tr key={id} data-changed={changed} bg={changed ? 'yellow.1' : undefined}>
                <Table.Td>{id}</Table.Td>
                <Table.Td>{pick((a ?? b)!.title)}</Table.Td>
                <Table.Td>{b ? `${b.points}/${b.max}` : '—'}</Table.Td>
                <Table.Td>{a ? `${a.points}/${a.max}` : '—'}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

/** The move-draft dialog: pick the version, see what changes, compare the scales side by side, confirm. */
function MoveDraftModal({ ws, versions, onClose, onMoved }: { ws: Workspace; versions: string[]; onClose(): void; onMoved(p: Plan): void }) {
  const { t } = useTranslation();
  const d = ws.detail!;
  const [version, setVersion] = useState(versions[0]!);
  const plan = useCall('packs.repackDraft', { id: d.id, version, apply: false });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiErrorShape | null>(null);
  const [diff, setDiff] = useState(false);

  const apply = async () => {
    setBusy(true);
    setError(null);
    try {
      // What was just typed is stored first, so the move keeps it (or flags it).
      const blocked = await ws.settle();
      if (blocked) return setError({ code: 'blocked', message: { vi: blocked, en: blocked } });
      const p = await api.call('packs.repackDraft', { id: d.id, version, apply: true });
      await ws.reload();
      onMoved(p);
    } catch (e) {
      setError(errorOf(e));
    } finally {
      setBusy(false);
    }
  };

  const err = error ?? plan.error;
  return (
    <Modal opened onClose={onClose} size="xl" title={t('packsUi.moveTitle', { id: d.pack.id, from: d.pack.version })}>
      <Stack gap="md" data-testid="packs-move-dialog">
        {versions.length > 1 && <Select label={t('packsUi.moveTo')} data={versions} value={version} onChange={(v) => v && setVersion(v)} allowDeselect={false} />}
        <Text size="sm">{t('packsUi.moveHelp', { version })}</Text>
        {err && (
          <Alert color="red" role="alert">
            {pick(err.message)}
          </Alert>
        )}
        {plan.loading && !plan.data && <Loader size="sm" />}
        {plan.data && <PlanView plan={plan.data} revisionId={d.id} />}
        <Group justify="space-between">
          <Button variant="subtle" onClick={() => setDiff(true)} data-testid="packs-move-diff">
            {t('packsUi.seeDiff')}
          </Button>
          <Group>
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button onClick={() => void apply()} loading={busy} disabled={!plan.data} data-testid="packs-move-confirm">
              {t('packsUi.moveConfirm', { version })}
            </Button>
          </Group>
        </Group>
      </Stack>
      {diff && <PackDiffModal a={{ id: d.pack.id, version: d.pack.version }} b={{ id: d.pack.id, version }} onClose={() => setDiff(false)} />}
    </Modal>
  );
}

/**
 * In a draft's summary: when a newer version of its pack is installed, the offer to move to it; after the move, the
 * indicators to enter again. A submitted revision keeps the pack that scored it (the call lists nothing for it).
 */
export function MoveDraftOffer({ ws }: { ws: Workspace }) {
  const { t } = useTranslation();
  const d = ws.detail!;
  const newer = useCall('packs.newerVersions', d.readOnly ? null : { id: d.id });
  const [open, setOpen] = useState(false);
  const [moved, setMoved] = useState<Plan | null>(null);
  const items = newer.data?.draft ? newer.data.items : [];
  const need = moved ? [...moved.flagged.map((f) => f.indicatorId), ...moved.added] : [];
  return (
    <>
      {moved && (
        <Alert color={need.length ? 'orange' : 'teal'} data-testid="packs-moved" withCloseButton onClose={() => setMoved(null)}>
          <Text size="sm">{t('packsUi.moved', { from: moved.from.version, to: moved.to.version, before: moved.before.total, after: moved.after.total })}</Text>
          {need.length > 0 && (
            <Group gap={6} mt={4} data-testid="packs-moved-need">
              <Text size="sm">{t('packsUi.needEntry')}</Text>
              {need.map((id) => (
                <Anchor key={id} href={`#/assessments/${d.id}/${id.split('.')[0]}`} size="sm">
                  <Badge color="orange" variant="light">
                    {id}
                  </Badge>
                </Anchor>
              ))}
            </Group>
          )}
        </Alert>
      )}
      {items.length > 0 && (
        <Alert color="blue" icon={<IconReplace />} data-testid="packs-newer" title={t('packsUi.newerTitle')}>
          <Group justify="space-between">
            <Text size="sm">{t('packsUi.newerText', { id: d.pack.id, version: d.pack.version, newer: items.map((p) => p.version).join(', ') })}</Text>
            <Button size="xs" onClick={() => setOpen(true)} data-testid="packs-move-open">
              {t('packsUi.moveOpen')}
            </Button>
          </Group>
        </Alert>
      )}
      {open && (
        <MoveDraftModal
          ws={ws}
          versions={items.map((p) => p.version)}
          onClose={() => setOpen(false)}
          onMoved={(p) => {
            setOpen(false);
            setMoved(p);
            void newer.reload();
          }}
        />
      )}
    </>
  );
}
