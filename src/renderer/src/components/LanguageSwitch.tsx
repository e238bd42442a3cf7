import { SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { setLanguage, type Lang } from '../i18n';

/** Tiếng Việt / English, saved in the settings so it survives a restart. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <SegmentedControl
      aria-label={t('app.language')}
      size="xs"
      value={i18n.language}
      data={[
        { value: 'vi', label: 'Tiếng Việt' },
        { value: 'en', label: 'English' },
      ]}
      onChange={(v) => {
        void setLanguage(v as Lang);
        void api.call('settings.set', { language: v as Lang });
      }}
    />
  );
}
