import { Autocomplete, Checkbox, Select, Stack, Text, type ComboboxItem, type OptionsFilter } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role } from '../../../api/calls/profile';
import type { Unit } from '../../../api/calls/units';
import { useCall } from '../api';
import { fold } from '../lib/text';

/** Mantine's option filter, but diacritics-insensitive: "cang long" finds "Huyện Càng Long". */
const foldFilter: OptionsFilter = ({ options, search }) => {
  const q = fold(search.trim());
  if (!q) return options;
  return (options as ComboboxItem[]).filter((o) => fold(o.label).includes(q));
};

const toOptions = (units: Unit[] | undefined) => (units ?? []).map((u) => ({ value: u.code, label: u.name }));

export interface UnitPickerProps {
  role: Role;
  value: string | null;
  onChange(code: string | null): void;
  error?: string | undefined;
}

/** Province → district → commune, each searchable, plus a quick search over the whole catalogue. */
export function UnitPicker({ role, value, onChange, error }: UnitPickerProps) {
  const { t } = useTranslation();
  const [province, setProvince] = useState<string | null>(null);
  const [district, setDistrict] = useState<string | null>(null);
  const [commune, setCommune] = useState<string | null>(null);
  const [provinceTeam, setProvinceTeam] = useState(false);
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 200);

  // Start from the value the picker was opened with (editing a profile); until then, report nothing.
  const [initialCode] = useState(value);
  const [ready, setReady] = useState(initialCode === null);
  const current = useCall('units.get', initialCode ? { code: initialCode } : null);
  useEffect(() => {
    const u = current.data;
    if (!u) return;
    const chain = [...u.ancestors.map((a) => a.code), u.code];
    setProvince(chain[0] ?? null);
    setDistrict(u.level === 'commune' ? (u.ancestors.find((a) => a.level === 'district')?.code ?? null) : u.level === 'district' ? u.code : null);
    setCommune(u.level === 'commune' ? u.code : null);
    setProvinceTeam(role === 'assessor' && u.level === 'province');
    setReady(true);
  }, [current.data, role]);

  const provinces = useCall('units.children', { code: null });
  const districts = useCall('units.children', province ? { code: province } : null);
  const hasDistricts = (districts.data?.items ?? []).some((u) => u.level === 'district');
  const communeParent = hasDistricts ? district : province;
  const communes = useCall('units.children', role === 'commune' && communeParent ? { code: communeParent } : null);

  const searchLevel = role === 'commune' ? 'commune' : role === 'province' ? 'province' : undefined;
  const found = useCall(
    'units.search',
    debounced.trim().length >= 2 ? { query: debounced, limit: 15, ...(searchLevel ? { level: searchLevel } : {}) } : null,
  );
  const foundOptions = useMemo(
    () =>
      (found.data?.items ?? [])
        .filter((u) => role !== 'assessor' || u.level !== 'commune')
        .map((u) => ({ value: u.code, label: [u.name, ...u.ancestors.map((a) => a.name).reverse()].join(', ') })),
    [found.data, role],
  );

  // What the chosen selects add up to, for this role. The parent's value and callback are read as they are now, but
  // only a change of the selects themselves reports a new code (a parent re-rendering is not a choice).
  const parent = useRef({ value, onChange });
  parent.current = { value, onChange };
  useEffect(() => {
    const { value, onChange } = parent.current;
    if (!ready) return;
    let code: string | null;
    if (role === 'province') code = province;
    else if (role === 'assessor') code = provinceTeam || (province && districts.data && !hasDistricts) ? province : district;
    else code = commune;
    if (code !== value) onChange(code);
  }, [ready, role, province, district, commune, provinceTeam, hasDistricts, districts.data]);

  function pickFound(code: string) {
    const u = found.data?.items.find((x) => x.code === code);
    if (!u) return;
    const prov = u.level === 'province' ? u.code : (u.ancestors[0]?.code ?? null);
    const dist = u.level === 'district' ? u.code : (u.ancestors.find((a) => a.level === 'district')?.code ?? null);
    setProvince(prov);
    setDistrict(dist);
    setCommune(u.level === 'commune' ? u.code : null);
    setProvinceTeam(role === 'assessor' && u.level === 'province');
    setSearch('');
  }

  return (
    <Stack gap="sm">
      <Autocomplete
        label={t('setup.quickSearch')}
        description={t('setup.quickSearchHint')}
        value={search}
        onChange={setSearch}
        data={foundOptions}
        filter={({ options }) => options}
        onOptionSubmit={pickFound}
        limit={15}
        data-testid="unit-quick-search"
      />
      <Select
        label={t('setup.province')}
        placeholder={t('setup.pickPlaceholder')}
        data={toOptions(provinces.data?.items)}
        value={province}
        onChange={(v) => {
          setProvince(v);
          setDistrict(null);
          setCommune(null);
        }}
        searchable
        filter={foldFilter}
        nothingFoundMessage="—"
        required
        error={role === 'province' ? error : undefined}
      />
      {role !== 'province' && province && districts.data && !hasDistricts && (
        <Text size="sm" c="dimmed">
          {t('setup.noDistricts')}
        </Text>
      )}
      {role === 'assessor' && hasDistricts && (
        <Checkbox
          label={t('setup.assessorProvinceTeam')}
          checked={provinceTeam}
          onChange={(e) => setProvinceTeam(e.currentTarget.checked)}
        />
      )}
      {role !== 'province' && hasDistricts && !(role === 'assessor' && provinceTeam) && (
        <Select
          label={t('setup.district')}
          placeholder={t('setup.pickPlaceholder')}
          data={toOptions(districts.data?.items)}
          value={district}
          onChange={(v) => {
            setDistrict(v);
            setCommune(null);
          }}
          searchable
          filter={foldFilter}
          disabled={!province}
          required
          error={role === 'assessor' ? error : undefined}
        />
      )}
      {role === 'commune' && (
        <Select
          label={t('setup.commune')}
          placeholder={t('setup.pickPlaceholder')}
          data={toOptions(communes.data?.items)}
          value={commune}
          onChange={setCommune}
          searchable
          filter={foldFilter}
          disabled={!communeParent}
          required
          error={error}
        />
      )}
    </Stack>
  );
}
