import { Badge, Box, Group, Select, Text, TextInput, UnstyledButton } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconSearch } from '@tabler/icons-react';
import { useMemo, useState, type UIEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CommuneRowView, CommuneStatusView } from '../../../api/calls/dashboard';
import { fold } from '../lib/text';

export const STATUS_COLOR: Record<CommuneStatusView, string> = {
  recognised: 'teal',
  not_recognised: 'red',
  returned: 'orange',
  self_recognised: 'cyan',
  self_not_recognised: 'pink',
  self_incomplete: 'gray',
  conflict: 'grape',
  not_assessed: 'gray',
};

const ROW = 36;
const HEIGHT = 480;
const OVERSCAN = 8;
type Key = 'code' | 'name' | 'groupName' | 'selfTotal' | 'teamTotal' | 'status';
const COLS: { key: Key; width: string; align?: 'right' }[] = [
  { key: 'code', width: '70px' },
  { key: 'name', width: 'minmax(160px, 1.4fr)' },
  { key: 'groupName', width: 'minmax(140px, 1fr)' },
  { key: 'selfTotal', width: '90px', align: 'right' },
  { key: 'teamTotal', width: '90px', align: 'right' },
  { key: 'status', width: 'minmax(220px, 1.2fr)' },
];
const GRID = COLS.map((c) => c.width).join(' ');
/** One collator for every comparison of a sort (localeCompare would build one per call: 10,000 rows ≈ 140,000 calls). */
const collator = new Intl.Collator('vi', { numeric: true });

/**
 * The communes of the scope: every row is in memory (10,047 for the whole country), sorted and filtered here, and only
 * the rows in view (plus a few) are in the DOM: a fixed row height and the scroll offset give the window.
 */
export function CommuneTable({ rows, onOpen }: { rows: CommuneRowView[]; onOpen(code: string): void }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [sort, setSort] = useState<{ key: Key; desc: boolean }>({ key: 'code', desc: false });
  const [top, setTop] = useState(0);

  const shown = useMemo(() => {
    const q = fold(query.trim());
    const out = rows.filter((r) => (!status || r.status === status) && (!q || fold(r.name).includes(q) || r.code.includes(q) || fold(r.groupName).includes(q)));
    const dir = sort.desc ? -1 : 1;
    const val = (r: CommuneRowView) => (sort.key === 'status' ? t(`dash.st.${r.status}`) : r[sort.key]);
    return out.sort((a, b) => {
      const x = val(a);
      const y = val(b);
      if (x === y) return a.code < b.code ? -1 : 1;
      if (x === null) return 1;
      if (y === null) return -1;
      return (typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y))) * dir;
    });
  }, [rows, query, status, sort, t]);

  const first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
  const last = Math.min(shown.length, Math.ceil((top + HEIGHT) / ROW) + OVERSCAN);
  const header = (key: Key) => (
    <UnstyledButton
      onClick={() => setSort((s) => ({ key, desc: s.key === key ? !s.desc : false }))}
      fw={600}
      fz="sm"
      aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}
      data-testid={`sort-${key}`}
    >
      <Group gap={4} wrap="nowrap">
        {t(`dash.${key === 'groupName' ? 'group' : key}`)}
        {sort.key === key && (sort.desc ? <IconArrowDown size={12} /> : <IconArrowUp size={12} />)}
      </Group>
    </UnstyledButton>
  );

  return (
    <Box>
      <Group mb="xs" align="end">
        <TextInput
          leftSection={<IconSearch size={14} />}
          placeholder={t('dash.search')}
          aria-label={t('dash.search')}
          value={query}
          onChange={(e) => setQuery(e.currentTarget.value)}
          w={280}
          data-testid="commune-search"
        />
        <Select
          label={t('dash.statusFilter')}
          data={[{ value: '', label: t('dash.all') }, ...Object.keys(STATUS_COLOR).map((s) => ({ value: s, label: t(`dash.st.${s}`) }))]}
          value={status ?? ''}
          onChange={(v) => setStatus(v || null)}
          w={300}
          allowDeselect={false}
          data-testid="status-filter"
        />
        <Text size="sm" c="dimmed" data-testid="commune-count">
          {t('dash.rows', { n: shown.length.toLocaleString('vi-VN'), total: rows.length.toLocaleString('vi-VN') })}
        </Text>
      </Group>
      <Box style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 4 }} role="table" aria-rowcount={shown.length + 1}>
        <Box role="row" style={{ display: 'grid', gridTemplateColumns: GRID, gap: 8, padding: '6px 10px', background: 'var(--mantine-color-gray-0)', borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
          {COLS.map((c) => (
            <Box role="columnheader" key={c.key} style={{ textAlign: c.align }}>
              {header(c.key)}
            </Box>
          ))}
        </Box>
        <Box style={{ height: HEIGHT, overflowY: 'auto', position: 'relative' }} onScroll={(e: UIEvent<HTMLDivElement>) => setTop(e.currentTarget.scrollTop)} data-testid="commune-scroller">
          <Box style={{ height: shown.length * ROW, position: 'relative' }}>
            {shown.slice(first, last).map((r, k) => (
              <Box
                key={r.code}
                role="row"
                aria-rowindex={first + k + 2}
                tabIndex={0}
                onClick={() => onOpen(r.code)}
                onKeyDown={(e) => e.key === 'Enter' && onOpen(r.code)}
                data-testid="commune-row"
                data-code={r.code}
                style={{
                  position: 'absolute',
                  top: (first + k) * ROW,
                  left: 0,
                  right: 0,
                  height: ROW,
                  display: 'grid',
                  gridTemplateColumns: GRID,
                  gap: 8,
                  alignItems: 'center',
                  padding: '0 10px',
                  cursor: 'pointer',
                  borderBottom: '1px solid var(--mantine-color-gray-1)',
                  background: (first + k) % 2 ? 'var(--mantine-color-gray-0)' : undefined,
                }}
              >
                <Text role="cell" size="sm" ff="monospace">{r.code}</Text>
                <Text role="cell" size="sm" truncate>{r.name}</Text>
                <Text role="cell" size="sm" truncate c="dimmed">{r.groupName}</Text>
                <Text role="cell" size="sm" ta="right">{r.selfTotal ?? '—'}</Text>
                <Text role="cell" size="sm" ta="right" fw={r.teamTotal !== null ? 600 : undefined}>{r.teamTotal ?? '—'}</Text>
                <Group role="cell" gap={4} wrap="nowrap">
                  <Badge size="sm" variant="light" color={STATUS_COLOR[r.status]} style={{ textTransform: 'none' }}>
                    {t(`dash.st.${r.status}`)}
                  </Badge>
                  {r.resubmitted && <Badge size="xs" variant="outline" color="orange" style={{ textTransform: 'none' }}>{t('dash.resubmitted')}</Badge>}
                </Group>
              </Box>
            ))}
          </Box>
        </Box>
      </Box>
    </Box>
  );
}
