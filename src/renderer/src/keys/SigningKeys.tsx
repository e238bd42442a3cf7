import { Alert, Badge, Button, Code, CopyButton, Group, Loader, Modal, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { IconCopy, IconDownload, IconEye, IconKey } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Profile } from '../../../api/calls/profile';
import { api, errorOf, useCall } from '../api';
import { pick } from '../i18n';
import { formatDate } from '../lib/text';
import { downloadText, Fingerprint, FullFingerprint, type SigningKey } from '../packages/bits';
import { CreateKeyForm } from './CreateKeyForm';

type PublicFile = { fileName: string; content: string; fingerprint: string };

/** Settings: this profile's signing keys (fingerprint to read aloud), a new key, and the public key file to send up. */
export function SigningKeysSection({ profile }: { profile: Profile }) {
  const { t } = useTranslation();
  const keys = useCall('keys.list', {});
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<SigningKey | null>(null);
  const [shown, setShown] = useState<PublicFile | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const items = keys.data?.items ?? [];

  const publicFile = async (keyId: string): Promise<PublicFile | null> => {
    setBusy(keyId);
    setError(null);
    try {
      return await api.call('keys.exportPublic', { keyId });
    } catch (e) {
      setError(pick(errorOf(e).message));
      return null;
    } finally {
      setBusy(null);
    }
  };
  const download = async (k: SigningKey) => {
    const f = await publicFile(k.keyId);
    if (f) downloadText(f.fileName, f.content);
  };
  const show = async (k: SigningKey) => setShown(await publicFile(k.keyId));
  const unitName = (k: SigningKey) => `${k.unitName ?? (k.unitCode === profile.unitCode ? profile.unit.name : '')} (${k.unitCode})`.trim();

  return (
    <Stack gap="sm" data-testid="signing-keys">
      <Group justify="space-between">
        <Title order={3} size="h4">
          {t('keys.title')}
        </Title>
        {!creating && keys.data && (
          <Button variant="light" leftSection={<IconKey size={18} />} onClick={() => setCreating(true)}>
            {t('keys.create')}
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        {t('keys.intro')}
      </Text>
      {keys.error && (
        <Alert color="red" role="alert">
          {pick(keys.error.message)}
        </Alert>
      )}
      {keys.loading && !keys.data && <Loader size="sm" aria-label={t('common.loading')} />}
      {created && (
        <Alert color="teal" role="status" withCloseButton onClose={() => setCreated(null)}>
          {t('keys.created', { fp: created.fingerprint })}
        </Alert>
      )}
      {creating && keys.data && (
        <Paper withBorder p="md" radius="md">
          <Title order={4} size="h5" mb="xs">
            {t('keys.createFor')}
          </Title>
          <CreateKeyForm
            profile={profile}
            sealing={keys.data.sealing}
            onCancel={() => setCreating(false)}
            onCreated={(k) => {
              setCreating(false);
              setCreated(k);
              void keys.reload();
            }}
          />
        </Paper>
      )}
      {keys.data && items.length === 0 && !creating && (
        <Text size="sm" c="dimmed">
          {t('keys.none')}
        </Text>
      )}
      {items.map((k) => (
        <Paper key={k.keyId} withBorder p="md" radius="md" data-testid="signing-key">
          <Table variant="vertical" layout="fixed" fz="sm">
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w={200}>{t('keys.fingerprint')}</Table.Th>
                <Table.Td>
                  <Stack gap={2}>
                    <Fingerprint value={k.fingerprint} testId="key-fingerprint" />
                    <Text size="xs" c="dimmed">
                      {t('keys.readAloud')}
                    </Text>
                  </Stack>
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('keys.holder')}</Table.Th>
                <Table.Td>
                  <Group gap="xs">
                    <Text size="sm" fw={600}>
                      {k.holder.name}
                    </Text>
                    <Text size="sm">
                      {[k.holder.title, k.holder.organisation].filter(Boolean).join(', ')}
                    </Text>
                    <Badge variant="light" color={k.status === 'active' ? 'teal' : 'gray'}>
                      {t(`keys.status_${k.status}`)}
                    </Badge>
                  </Group>
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('keys.role')}</Table.Th>
                <Table.Td>{t(`role.${k.role}`)}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('keys.unit')}</Table.Th>
                <Table.Td>
                  <Stack gap={4}>
                    <Text size="sm">{unitName(k)}</Text>
                    {k.superseded && (
                      <Alert color="orange" p="xs" data-testid="key-superseded">
                        <Stack gap={4}>
                          <Text size="sm">{t('units.oldKey', { edition: k.unitEdition.split('-').reverse().join('/') })}</Text>
                          {k.superseded.successors.length > 0 && (
                            <Text size="sm">{t('units.oldKeySuccessors', { names: k.superseded.successors.map((u) => `${u.name} (${u.code})`).join(', ') })}</Text>
                          )}
                          {!profile.superseded && !creating && k.superseded.successors.some((u) => u.code === profile.unitCode) && (
                            <Button size="xs" variant="light" w="fit-content" onClick={() => setCreating(true)} data-testid="new-key-successor">
                              {t('units.newKeyFor', { name: profile.unit.name })}
                            </Button>
                          )}
                        </Stack>
                      </Alert>
                    )}
                  </Stack>
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('keys.sealedBy')}</Table.Th>
                <Table.Td>{t(`keys.sealed_${k.sealedBy}`)}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('keys.createdAt')}</Table.Th>
                <Table.Td>{formatDate(k.createdAt)}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('keys.fullFingerprint')}</Table.Th>
                <Table.Td>
                  <FullFingerprint value={k.fullFingerprint} />
                </Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
          <Group mt="sm" gap="sm">
            <Button
              leftSection={<IconDownload size={18} />}
              onClick={() => void download(k)}
              loading={busy === k.keyId}
              aria-label={t('keys.exportPublicAria', { name: k.holder.name })}
            >
              {t('keys.exportPublic')}
            </Button>
            <Button variant="default" leftSection={<IconEye size={18} />} onClick={() => void show(k)}>
              {t('keys.showPublic')}
            </Button>
          </Group>
        </Paper>
      ))}
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      <Modal opened={shown !== null} onClose={() => setShown(null)} title={t('keys.publicTitle')} size="lg">
        {shown && (
          <Stack gap="sm">
            <Text size="sm">{t('keys.publicHelp', { fp: shown.fingerprint })}</Text>
            <Text size="sm" fw={600}>
              {shown.fileName}
            </Text>
            <Code block style={{ maxHeight: 320, overflow: 'auto' }} data-testid="public-key-content">
              {shown.content}
            </Code>
            <Group justify="flex-end">
              <CopyButton value={shown.content}>
                {({ copied, copy }) => (
                  <Button variant="light" leftSection={<IconCopy size={18} />} color={copied ? 'teal' : undefined} onClick={copy}>
                    {copied ? t('keys.copied') : t('keys.copy')}
                  </Button>
                )}
              </CopyButton>
              <Button leftSection={<IconDownload size={18} />} onClick={() => downloadText(shown.fileName, shown.content)}>
                {t('keys.exportPublic')}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
