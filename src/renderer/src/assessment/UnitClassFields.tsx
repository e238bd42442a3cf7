import { Select, Stack, Textarea } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { UNIT_CLASSES, type UnitClass } from './types';

/** The unit class: defaulted from the catalogue; another class needs its legal basis (free text). */
export function UnitClassFields({
  value,
  defaultClass,
  reason,
  onChange,
  onReason,
  reasonError,
}: {
  value: UnitClass;
  defaultClass: UnitClass | null;
  reason: string;
  onChange(v: UnitClass): void;
  onReason(v: string): void;
  reasonError?: string | undefined;
}) {
  const { t } = useTranslation();
  const needsReason = defaultClass !== null && value !== defaultClass;
  return (
    <Stack gap="xs">
      <Select
        label={t('ws.unitClass.label')}
        description={defaultClass ? t('ws.unitClass.default', { name: t(`ws.unitClass.${defaultClass}`) }) : t('ws.unitClass.noDefault')}
        data={UNIT_CLASSES.map((c) => ({ value: c, label: t(`ws.unitClass.${c}`) }))}
        value={value}
        onChange={(v) => v && onChange(v as UnitClass)}
        allowDeselect={false}
        comboboxProps={{ withinPortal: true }}
      />
      {(needsReason || defaultClass === null) && (
        <Textarea
          label={t('ws.unitClass.reason')}
          description={t('ws.unitClass.reasonHelp')}
          required={needsReason || defaultClass === null}
          value={reason}
          onChange={(e) => onReason(e.currentTarget.value)}
          autosize
          minRows={2}
          error={reasonError}
        />
      )}
    </Stack>
  );
}

export function unitClassReasonProblem(value: UnitClass, defaultClass: UnitClass | null, reason: string): boolean {
  // No default (an Đặc khu fits no class literally): whichever class is picked needs its legal basis.
  return (defaultClass === null || value !== defaultClass) && reason.trim().length < 3;
}
