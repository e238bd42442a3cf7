import { AppShell, Burger, Group, NavLink, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconChartBar, IconClipboardCheck, IconPackage, IconSettings } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Profile } from '../../../api/calls/profile';
import type { Route } from '../lib/route';
import { LanguageSwitch } from './LanguageSwitch';

const NAV: { route: Route; icon: typeof IconSettings }[] = [
  { route: 'assessments', icon: IconClipboardCheck },
  { route: 'packages', icon: IconPackage },
  { route: 'dashboard', icon: IconChartBar },
  { route: 'settings', icon: IconSettings },
];

/** The frame every page lives in: header with the unit and the user, navigation on the left. */
export function Shell({ profile, route, go, children }: { profile: Profile; route: Route; go(r: Route): void; children: ReactNode }) {
  const { t } = useTranslation();
  const [opened, { toggle }] = useDisclosure();
  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="menu" />
            <Stack gap={0}>
              <Title order={1} size="h4">
                {t('app.title')}
              </Title>
              <Text size="xs" c="dimmed" data-testid="header-unit">
                {profile.unit.name}
                {profile.unit.ancestors.length > 0 && ', ' + profile.unit.ancestors.map((a) => a.name).reverse().join(', ')}
              </Text>
            </Stack>
          </Group>
          <Group gap="md" wrap="nowrap">
            <Text size="sm" visibleFrom="md" data-testid="header-user">
              {t('shell.signedInAs', { name: profile.userName, title: profile.userTitle })}
            </Text>
            <LanguageSwitch />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="navigation">
        {NAV.map(({ route: r, icon: Icon }) => (
          <NavLink
            key={r}
            href={`#/${r}`}
            label={t(`nav.${r}`)}
            leftSection={<Icon size={18} stroke={1.6} />}
            active={route === r}
            onClick={(e) => {
              e.preventDefault();
              go(r);
            }}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}
