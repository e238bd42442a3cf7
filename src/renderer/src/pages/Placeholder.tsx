import { Alert, Stack, Title } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

/** A page whose feature is not built yet: says so plainly instead of pretending. */
export function Placeholder({ title, text }: { title: string; text: string }) {
  const { t } = useTranslation();
  return (
    <Stack maw={820}>
      <Title order={2}>{title}</Title>
      <Alert icon={<IconInfoCircle />} title={t('shell.comingTitle')} color="blue" variant="light">
        {text}
      </Alert>
    </Stack>
  );
}
