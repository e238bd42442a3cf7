import { Alert, Button, Group, PasswordInput, Progress, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { IconKey } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Profile } from '../../../api/calls/profile';
import { api, errorOf } from '../api';
import { pick } from '../i18n';
import type { SigningKey } from '../packages/bits';

export const MIN_PASSPHRASE = 8;

/** A rough strength hint (length and kinds of characters); the core only enforces the minimum length. */
export function passphraseStrength(p: string): { level: 'weak' | 'fair' | 'strong'; value: number } {
  const kinds = [/[a-zà-ỹ]/, /[A-ZÀ-Ỹ]/, /\d/, /[^\p{L}\d]/u].filter((r) => r.test(p)).length;
  const n = [...p].length;
  if (n < MIN_PASSPHRASE) return { level: 'weak', value: Math.min(30, (n / MIN_PASSPHRASE) * 30) };
  if (n >= 16 || (n >= 12 && kinds >= 3)) return { level: 'strong', value: 100 };
  if (n >= 10 || kinds >= 3) return { level: 'fair', value: 65 };
  return { level: 'weak', value: 35 };
}

/**
 * Makes a signing key for the profile's user: name, title and organisation prefilled (editable), role and unit those of
 * the profile. Browser mode / CLI keys are sealed by a passphrase (asked twice, with a strength hint); in Electron the
 * operating system seals it and no passphrase is asked.
 */
export function CreateKeyForm({
  profile,
  sealing,
  onCreated,
  onCancel,
}: {
  profile: Profile;
  sealing: 'passphrase' | 'safeStorage';
  onCreated(key: SigningKey, passphrase: string | null): void;
  onCancel?: () => void;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState(profile.userName);
  const [title, setTitle] = useState(profile.userTitle);
  const [organisation, setOrganisation] = useState(profile.organisation);
  const [pass, setPass] = useState('');
  const [pass2, setPass2] = useState('');
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ text: string; field?: string | undefined } | null>(null);
  const needPass = sealing === 'passphrase';
  const strength = passphraseStrength(pass);
  const passError = needPass && tried ? ([...pass].length < MIN_PASSPHRASE ? t('keys.tooShort') : null) : null;
  const pass2Error = needPass && tried && !passError && pass !== pass2 ? t('keys.mismatch') : null;

  const create = async () => {
    setTried(true);
    setError(null);
    if (!name.trim()) return;
    if (needPass && ([...pass].length < MIN_PASSPHRASE || pass !== pass2)) return;
    setBusy(true);
    try {
      const key = await api.call('keys.create', {
        name: name.trim(),
        title: title.trim(),
        organisation: organisation.trim(),
        role: profile.role,
        unitCode: profile.unitCode,
        ...(needPass ? { passphrase: pass } : {}),
      });
      onCreated(key, needPass ? pass : null);
    } catch (e) {
      const err = errorOf(e);
      setError({ text: pick(err.message), field: err.field });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack gap="sm" data-testid="create-key-form">
      <Text size="sm" c="dimmed">
        {t('keys.createHelp')}
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <TextInput
          label={t('keys.name')}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          required
          error={(tried && !name.trim()) || error?.field === 'name' ? (error?.field === 'name' ? error.text : true) : undefined}
        />
        <TextInput label={t('keys.jobTitle')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
        <TextInput label={t('keys.organisation')} value={organisation} onChange={(e) => setOrganisation(e.currentTarget.value)} />
      </SimpleGrid>
      <Text size="sm">
        {t('keys.role')}: <b>{t(`role.${profile.role}`)}</b> · {t('keys.unit')}: <b>{profile.unit.name}</b> ({profile.unitCode})
      </Text>
      {needPass ? (
        <Stack gap={4}>
        <Text size="sm" c="dimmed" id="passphrase-help">
          {t('keys.passphraseHelp')}
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Stack gap={4}>
            <PasswordInput
              label={t('keys.passphrase')}
              aria-describedby="passphrase-help"
              value={pass}
              onChange={(e) => setPass(e.currentTarget.value)}
              required
              autoComplete="new-password"
              error={passError ?? (error?.field === 'passphrase' ? error.text : undefined)}
            />
            {pass.length > 0 && (
              <>
                <Progress
                  value={strength.value}
                  color={strength.level === 'strong' ? 'teal' : strength.level === 'fair' ? 'yellow' : 'red'}
                  size="sm"
                  aria-hidden
                />
                <Text size="xs" c="dimmed" aria-live="polite" data-testid="passphrase-strength">
                  {t('keys.strength', { level: t(`keys.strength_${strength.level}`) })}
                </Text>
              </>
            )}
          </Stack>
          <PasswordInput
            label={t('keys.confirm')}
            value={pass2}
            onChange={(e) => setPass2(e.currentTarget.value)}
            required
            autoComplete="new-password"
            error={pass2Error}
            style={{ alignSelf: 'start' }}
          />
        </SimpleGrid>
        </Stack>
      ) : (
        <Text size="sm" c="dimmed">
          {t('keys.osSealed')}
        </Text>
      )}
      {error && error.field !== 'name' && error.field !== 'passphrase' && (
        <Alert color="red" role="alert">
          {error.text}
        </Alert>
      )}
      <Group justify="flex-end">
        {onCancel && (
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
        )}
        <Button leftSection={<IconKey size={18} />} loading={busy} onClick={() => void create()}>
          {t('keys.create')}
        </Button>
      </Group>
    </Stack>
  );
}
