import { Stack, Tabs, Title } from '@mantine/core';
import { IconFileImport, IconKey, IconPackages } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate } from '../lib/route';
import { ImportedTab } from './ImportedTab';
import { ImportTab } from './ImportTab';
import { TrustTab } from './TrustTab';

const TABS = ['import', 'imported', 'trust'] as const;
type Tab = (typeof TABS)[number];

/** #/packages/<tab>: import (verify, decide, import), the imported packages, the trust store. */
export function PackagesPage({ tab }: { tab?: string | undefined }) {
  const { t } = useTranslation();
  const current: Tab = (TABS as readonly string[]).includes(tab ?? '') ? (tab as Tab) : 'import';
  const [trustVersion, setTrustVersion] = useState(0);
  const [importVersion, setImportVersion] = useState(0);
  const go = (v: string | null) => v && navigate(`packages/${v}`);
  return (
    <Stack maw={1200}>
      <Title order={2}>{t('pkg.title')}</Title>
      <Tabs value={current} onChange={go} keepMountedMode="display-none">
        <Tabs.List mb="md">
          <Tabs.Tab value="import" leftSection={<IconFileImport size={18} />}>
            {t('pkg.tabImport')}
          </Tabs.Tab>
          <Tabs.Tab value="imported" leftSection={<IconPackages size={18} />}>
            {t('pkg.tabImported')}
          </Tabs.Tab>
          <Tabs.Tab value="trust" leftSection={<IconKey size={18} />}>
            {t('pkg.tabTrust')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="import">
          <ImportTab trustVersion={trustVersion} onImported={() => setImportVersion((n) => n + 1)} onShowImported={() => go('imported')} />
        </Tabs.Panel>
        <Tabs.Panel value="imported">
          <ImportedTab version={importVersion} />
        </Tabs.Panel>
        <Tabs.Panel value="trust">
          <TrustTab onChanged={() => setTrustVersion((n) => n + 1)} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
