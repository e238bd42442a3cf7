import path from 'node:path';
import type { Register } from '../main';

const editionOption = ['--edition <date>', 'ấn bản danh mục (YYYY-MM-DD), mặc định ấn bản hiện hành / catalogue edition, the current one by default'] as const;

export const registerUnits: Register = (program, ctx) => {
  const units = program.command('units').description('danh mục đơn vị hành chính / administrative units catalogue');
  units
    .command('search')
    .description('tìm đơn vị theo tên, có hoặc không dấu / find units by name, diacritics optional')
    .argument('<query...>', 'tên / name')
    .option('--level <level>', 'province | district | commune')
    .option(...editionOption)
    .option('--limit <n>', 'số kết quả tối đa / max results', '20')
    .action(async (query: string[], opts: { level?: string; limit: string; edition?: string }) => {
      const c = ctx();
      const r = await c.service().call('units.search', {
        query: query.join(' '),
        limit: Number(opts.limit),
        ...(opts.level ? { level: opts.level as never } : {}),
        ...(opts.edition ? { edition: opts.edition } : {}),
      });
      const edition = r.items[0]?.edition ?? opts.edition ?? (await c.service().call('units.editions', {})).current;
      c.print(r, () =>
        r.items
          .map((u) => `${u.code.padEnd(5)}  ${[u.name, ...u.ancestors.map((a) => a.name).reverse()].join(', ')}`)
          .join('\n') + `\n(${r.items.length}/${r.total}, ấn bản / edition ${edition})`,
      );
    });
  units
    .command('history')
    .description('đơn vị trước và sau sắp xếp / a unit\'s predecessors and successors across catalogue editions')
    .argument('<code>', 'mã đơn vị / unit code')
    .option(...editionOption)
    .action(async (code: string, opts: { edition?: string }) => {
      const c = ctx();
      const h = await c.service().call('units.history', { code, ...(opts.edition ? { edition: opts.edition } : {}) });
      const line = (u: { code: string; name: string; place: string; edition: string; whole: boolean }, whole: string, part: string) =>
        `  ${u.code.padEnd(5)}  ${[u.name, u.place].filter(Boolean).join(', ')} (${u.edition}) — ${u.whole ? whole : part}`;
      c.print(h, () =>
        [
          `${h.code} ${h.name}${h.place ? `, ${h.place}` : ''} (ấn bản / edition ${h.edition})`,
          h.predecessors.length ? 'Trước sắp xếp / predecessors:' : 'Trước sắp xếp / predecessors: —',
          ...h.predecessors.map((u) => line(u, 'toàn bộ / whole', 'một phần / part')),
          h.successors.length ? 'Sau sắp xếp / successors:' : 'Sau sắp xếp / successors: —',
          ...h.successors.map((u) => line(u, 'nhập toàn bộ / merged whole', 'một phần / part of it')),
        ].join('\n'),
      );
    });
  units
    .command('editions')
    .description('các ấn bản danh mục / the catalogue editions known here')
    .action(async () => {
      const c = ctx();
      const r = await c.service().call('units.editions', {});
      c.print(r, () =>
        r.items
          .map((e) => `${e.current ? '*' : ' '} ${e.dataDate}  ${e.counts.provinces} tỉnh, ${e.counts.districts} huyện, ${e.counts.communes} xã  ${e.origin}  sha256 ${e.sha256}`)
          .join('\n'),
      );
    });
  units
    .command('load')
    .description('nạp ấn bản danh mục mới hơn (và tệp chuyển đổi từ ấn bản trước) / load a newer catalogue edition (and the mapping from the edition before)')
    .argument('<file>', 'tệp danh mục JSON / catalogue JSON file')
    .option('--mapping <file>', 'tệp chuyển đổi cũ → mới / old → new mapping file')
    .action(async (file: string, opts: { mapping?: string }) => {
      const c = ctx();
      const r = await c.service().call('units.loadFile', { file: path.resolve(file), ...(opts.mapping ? { mapping: path.resolve(opts.mapping) } : {}) });
      const e = r.edition;
      c.print(r, () =>
        [
          r.added ? `Đã nạp / loaded: ấn bản / edition ${e.dataDate}` : `Đã có sẵn, không thay đổi / already there, nothing changed: ${e.dataDate}`,
          `  ${e.counts.provinces} tỉnh, ${e.counts.districts} huyện, ${e.counts.communes} xã; sha256 ${e.sha256}`,
          ...(r.mapping ? [`  chuyển đổi / mapping ${r.mapping.from} → ${r.mapping.to}: ${r.mapping.communes} đơn vị / units`] : []),
        ].join('\n'),
      );
    });
};
