import { Alert, Button, Group, Paper, Radio, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { profileInput, type Profile, type ProfileInput, type Role } from '../../../api/calls/profile';
import { api, errorOf } from '../api';
import { pick } from '../i18n';
import { UnitPicker } from './UnitPicker';

const ROLES: Role[] = ['commune', 'assessor', 'province'];

type FormValues = { role: Role; unitCode: string; organisation: string; userName: string; userTitle: string };

const dateVi = (edition: string) => edition.split('-').reverse().join('/');

/**
 * A profile on a unit that no longer exists (a unit of an older catalogue edition): says so, and proposes its
 * successor(s) from the mapping, each one click away.
 */
function SupersededUnit({ profile, onSaved }: { profile: Profile; onSaved(p: Profile): void }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const s = profile.superseded!;
  async function move(code: string, name: string) {
    setBusy(code);
    setFailure(null);
    try {
      const saved = await api.call('profile.set', {
        role: profile.role,
        unitCode: code,
        unitEdition: s.currentEdition,
        organisation: profile.organisation.replace(profile.unit.name, name),
        userName: profile.userName,
        userTitle: profile.userTitle,
      });
      notifications.show({ color: 'teal', message: t('units.moved', { name, code }) });
      onSaved(saved);
    } catch (e) {
      setFailure(pick(errorOf(e).message));
    } finally {
      setBusy(null);
    }
  }
  return (
    <Alert color="orange" title={t('units.oldUnitTitle')} data-testid="unit-superseded">
      <Stack gap="xs">
        <Text size="sm">
          {t('units.oldUnit', { name: profile.unit.name, code: profile.unitCode, edition: dateVi(profile.unitEdition), current: dateVi(s.currentEdition) })}
        </Text>
        {s.successors.length ? (
          <>
            <Text size="sm">{t('units.successorsAre', { current: dateVi(s.currentEdition) })}</Text>
            {s.successors.map((u) => (
              <Group key={u.code} gap="sm">
                <Text size="sm">
                  <b>{u.name}</b> ({u.code}), {u.place} — {t(u.whole ? 'units.whole' : 'units.part')}
                </Text>
                <Button size="xs" loading={busy === u.code} onClick={() => void move(u.code, u.name)} data-testid={`move-to-${u.code}`}>
                  {t('units.moveTo', { name: u.name })}
                </Button>
              </Group>
            ))}
          </>
        ) : (
          <Text size="sm">{t('units.noSuccessor')}</Text>
        )}
        {failure && (
          <Text size="sm" c="red" role="alert">
            {failure}
          </Text>
        )}
      </Stack>
    </Alert>
  );
}

/** The profile: role, unit, organisation and the user. Used by the first-run setup and by Settings. */
export function ProfileForm({ initial, onSaved, submitLabel }: { initial: Profile | null; onSaved(p: Profile): void; submitLabel: string }) {
  const { t } = useTranslation();
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [unitName, setUnitName] = useState<string>(initial?.unit.name ?? '');
  const form = useForm<FormValues>({
    mode: 'controlled',
    initialValues: {
      role: initial?.role ?? 'commune',
      // A unit of an older edition is not offered in the picker (it shows the current catalogue): pick again, or move.
      unitCode: initial && !initial.superseded ? initial.unitCode : '',
      organisation: initial?.organisation ?? '',
      userName: initial?.userName ?? '',
      userTitle: initial?.userTitle ?? '',
    },
    validate: (values) => {
      const parsed = profileInput.safeParse(values);
      if (parsed.success) return {};
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? '');
        errors[field] ??= field === 'unitCode' ? t('setup.needUnit') : issue.message;
      }
      return errors;
    },
  });

  async function submit(values: FormValues) {
    setSaving(true);
    setFailure(null);
    try {
      const saved = await api.call('profile.set', values as ProfileInput);
      notifications.show({ color: 'teal', message: t('setup.saved') });
      onSaved(saved);
    } catch (e) {
      const err = errorOf(e);
      if (err.field) form.setFieldError(err.field, pick(err.message));
      setFailure(pick(err.message));
    } finally {
      setSaving(false);
    }
  }

  return (
    <form onSubmit={form.onSubmit(submit)} noValidate aria-label={t('settings.profile')}>
      <Stack gap="lg">
        {initial?.superseded && <SupersededUnit profile={initial} onSaved={onSaved} />}
        <Paper withBorder p="md" radius="md">
          <Title order={3} size="h4" mb="sm">
            1. {t('setup.stepRole')}
          </Title>
          <Radio.Group
            {...form.getInputProps('role')}
            onChange={(v) => {
              form.setFieldValue('role', v as Role);
              form.setFieldValue('unitCode', '');
            }}
            label={t('setup.role')}
            required
          >
            <Stack gap="xs" mt="xs">
              {ROLES.map((r) => (
                <Radio
                  key={r}
                  value={r}
                  label={t(`role.${r}`)}
                  description={t(`role.${r}Help`)}
                  data-testid={`role-${r}`}
                />
              ))}
            </Stack>
          </Radio.Group>
        </Paper>
        <Paper withBorder p="md" radius="md">
          <Title order={3} size="h4" mb="sm">
            2. {t('setup.stepUnit')}
          </Title>
          <UnitPicker
            key={form.values.role}
            role={form.values.role}
            value={form.values.unitCode || null}
            error={form.errors['unitCode'] as string | undefined}
            onChange={(code) => {
              form.setFieldValue('unitCode', code ?? '');
              if (!code) setUnitName('');
              else
                void api.call('units.get', { code }).then((u) => {
                  setUnitName([u.name, ...u.ancestors.map((a) => a.name).reverse()].join(', '));
                  if (!form.values.organisation && form.values.role === 'commune') {
                    form.setFieldValue('organisation', `Ủy ban nhân dân ${u.name}`);
                  }
                });
            }}
          />
          {form.values.unitCode && (
            <Text size="sm" mt="sm" data-testid="chosen-unit">
              {t('setup.chosen')}: <b>{unitName}</b> ({form.values.unitCode})
            </Text>
          )}
        </Paper>
        <Paper withBorder p="md" radius="md">
          <Title order={3} size="h4" mb="sm">
            3. {t('setup.stepPeople')}
          </Title>
          <Stack gap="sm">
            <TextInput label={t('setup.organisation')} required {...form.getInputProps('organisation')} />
            <TextInput label={t('setup.userName')} required autoComplete="name" {...form.getInputProps('userName')} />
            <TextInput
              label={t('setup.userTitle')}
              placeholder={t('setup.userTitlePlaceholder')}
              required
              {...form.getInputProps('userTitle')}
            />
          </Stack>
        </Paper>
        {failure && (
          <Alert color="red" title={t('common.error')} role="alert">
            {failure}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={saving} size="md">
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
