import { Alert, Badge, Button, Checkbox, Group, Loader, Modal, Paper, Stack, Table, Text, Textarea } from '@mantine/core';
import { IconKey, IconShieldOff } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorOf, useCall } from '../api';
import { pick } from '../i18n';
import { formatDate } from '../lib/text';
import { Fingerprint, type TrustedKey } from './bits';
import { FileDrop } from './FileDrop';

/** What the page can read from a public key file before the core checks it (for the comparison step). */
type Preview = { text: string; name: string; fingerprint: string; holder: string; role: string; unit: string };

function preview(text: string): Omit<Preview, 'text'> | null {
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const holder = (j['holder'] ?? {}) as Record<string, unknown>;
    if (j['format'] !== 'cfc-public-key' || typeof j['fingerprint'] !== 'string') return null;
    return {
      name: String(holder['name'] ?? ''),
      holder: [holder['name'], holder['title'], holder['organisation']].filter((x) => typeof x === 'string' && x).join(', '),
      fingerprint: j['fingerprint'],
      role: String(j['role'] ?? ''),
      unit: `${String(j['unitName'] ?? '')} (${String(j['unitCode'] ?? '')})`,
    };
  } catch {
    return null;
  }
}

/** The trust store: who this installation trusts, add a public key file after comparing its fingerprint, revoke. */
export function TrustTab({ onChanged }: { onChanged(): void }) {
  const { t } = useTranslation();
  const list = useCall('trust.list', {});
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [adding, setAdding] = useState<Preview | null>(null);
  const [revoking, setRevoking] = useState<TrustedKey | null>(null);

  const onFiles = async (files: File[]) => {
    setProblem(null);
    setDone(null);
    const f = files[0];
    if (!f) return;
    if (!f.name.toLowerCase().endsWith('.json')) return setProblem(t('pkg.trustTab.notJson', { name: f.name }));
    const text = await f.text();
    const p = preview(text);
    if (!p) return setProblem(t('pkg.trustTab.unreadable', { name: f.name }));
    setAdding({ text, ...p });
  };

  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        {t('pkg.trustTab.intro')}
      </Text>
      <FileDrop
        onFiles={(f) => void onFiles(f)}
        multiple={false}
        label={t('pkg.trustTab.drop')}
        ariaLabel={t('pkg.trustTab.dropAria')}
        testId="trust-dropzone"
        icon={<IconKey size={28} stroke={1.5} color="var(--mantine-color-dimmed)" />}
      />
      {problem && (
        <Alert color="red" role="alert">
          {problem}
        </Alert>
      )}
      {done && (
        <Alert color="teal" role="status" withCloseButton onClose={() => setDone(null)} data-testid="trust-added">
          {done}
        </Alert>
      )}
      {list.error && (
        <Alert color="red" role="alert">
          {pick(list.error.message)}
        </Alert>
      )}
      {list.loading && !list.data && <Loader size="sm" aria-label={t('common.loading')} />}
      {list.data && list.data.items.length === 0 && <Text c="dimmed">{t('pkg.trustTab.none')}</Text>}
      {list.data && list.data.items.length > 0 && (
        <Table.ScrollContainer minWidth={900}>
          <Table verticalSpacing="sm" fz="sm" striped data-testid="trust-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('keys.holder')}</Table.Th>
                <Table.Th>{t('keys.role')}</Table.Th>
                <Table.Th>{t('keys.unit')}</Table.Th>
                <Table.Th>{t('keys.fingerprint')}</Table.Th>
                <Table.Th>{t('pkg.col.state')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((k) => (
                <Table.Tr key={k.keyId} data-testid="trust-row" data-status={k.status}>
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {k.holder.name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {[k.holder.title, k.holder.organisation].filter(Boolean).join(', ')}
                    </Text>
                    {k.source === 'own' && (
                      <Badge size="xs" variant="outline" mt={4}>
                        {t('pkg.trustTab.own')}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{t(`role.${k.role}`)}</Table.Td>
                  <Table.Td>
                    {k.unitName ?? ''} ({k.unitCode})
                  </Table.Td>
                  <Table.Td>
                    <Fingerprint value={k.fingerprint} size="md" />
                  </Table.Td>
                  <Table.Td>
                    <Stack gap={4}>
                      <Badge color={k.status === 'trusted' ? 'teal' : 'red'} variant="light">
                        {t(`pkg.trustTab.status.${k.status}`)}
                      </Badge>
                      <Text size="xs" c="dimmed">
                        {t('pkg.trustTab.added_')}: {t('pkg.trustTab.byWhen', { who: k.addedBy, when: formatDate(k.addedAt) })}
                      </Text>
                      {k.status === 'revoked' && (
                        <Text size="xs" c="red.8">
                          {t('pkg.trustTab.revoked_')}: {t('pkg.trustTab.byWhen', { who: k.revokedBy ?? '', when: k.revokedAt ? formatDate(k.revokedAt) : '' })}
                          {k.revokeReason ? ` — ${k.revokeReason}` : ''}
                        </Text>
                      )}
                    </Stack>
                  </Table.Td>
                  <Table.Td>
                    {k.status === 'trusted' && (
                      <Button
                        variant="subtle"
                        color="red"
                        size="xs"
                        leftSection={<IconShieldOff size={16} />}
                        onClick={() => setRevoking(k)}
                        aria-label={t('pkg.trustTab.revokeAria', { name: k.holder.name })}
                      >
                        {t('pkg.trustTab.revoke')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <AddDialog
        p={adding}
        onClose={() => setAdding(null)}
        onAdded={(msg) => {
          setAdding(null);
          setDone(msg);
          void list.reload();
          onChanged();
        }}
      />
      <RevokeDialog
        k={revoking}
        onClose={() => setRevoking(null)}
        onRevoked={() => {
          setRevoking(null);
          void list.reload();
          onChanged();
        }}
      />
    </Stack>
  );
}

function AddDialog({ p, onClose, onAdded }: { p: Preview | null; onClose(): void; onAdded(message: string): void }) {
  const { t } = useTranslation();
  const [compared, setCompared] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const close = () => {
    setCompared(false);
    setError(null);
    onClose();
  };
  const add = async () => {
    if (!p) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api.call('trust.add', { publicKey: p.text });
      setCompared(false);
      onAdded(t(r.added ? 'pkg.trustTab.added' : 'pkg.trustTab.already', { name: r.key.holder.name, fp: r.key.fingerprint }));
    } catch (e) {
      setError(pick(errorOf(e).message));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={p !== null} onClose={close} title={t('pkg.trustTab.confirmTitle')} size="lg">
      {p && (
        <Stack gap="sm">
          <Text size="sm">{t('pkg.trustTab.confirmText')}</Text>
          <Paper withBorder p="md" radius="sm">
            <Stack gap={4}>
              <Fingerprint value={p.fingerprint} size="xl" testId="add-fingerprint" />
              <Text size="sm" fw={600}>
                {p.holder}
              </Text>
              <Text size="sm">
                {t(`role.${p.role}`, { defaultValue: p.role })} · {p.unit}
              </Text>
            </Stack>
          </Paper>
          <Checkbox label={t('pkg.trustTab.compared')} checked={compared} onChange={(e) => setCompared(e.currentTarget.checked)} />
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button leftSection={<IconKey size={18} />} disabled={!compared} loading={busy} onClick={() => void add()}>
              {t('pkg.trustTab.trustIt')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

function RevokeDialog({ k, onClose, onRevoked }: { k: TrustedKey | null; onClose(): void; onRevoked(): void }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ok = reason.trim().length >= 3;
  const close = () => {
    setReason('');
    setTried(false);
    setError(null);
    onClose();
  };
  const revoke = async () => {
    setTried(true);
    if (!k || !ok) return;
    setBusy(true);
    setError(null);
    try {
      await api.call('trust.revoke', { keyId: k.keyId, reason: reason.trim() });
      setReason('');
      setTried(false);
      onRevoked();
    } catch (e) {
      setError(pick(errorOf(e).message));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={k !== null} onClose={close} title={t('pkg.trustTab.revokeTitle')} size="lg">
      {k && (
        <Stack gap="sm">
          <Alert color="red" variant="light">
            {t('pkg.trustTab.revokeText', { name: k.holder.name, fp: k.fingerprint })}
          </Alert>
          <Textarea
            label={t('pkg.trustTab.revokeReason')}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            required
            autosize
            minRows={2}
            data-autofocus
            error={tried && !ok ? t('pkg.needReason') : undefined}
          />
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button color="red" leftSection={<IconShieldOff size={18} />} loading={busy} onClick={() => void revoke()}>
              {t('pkg.trustTab.revokeConfirm')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
