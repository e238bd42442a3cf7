import type { Register } from '../main';

export const registerUnits: Register = (program, ctx) => {
  const units = program.command('units').description('danh mục đơn vị hành chính / administrative units catalogue');
  units
    .command('search')
    .description('tìm đơn vị theo tên, có hoặc không dấu / find units by name, diacritics optional')
    .argument('<query...>', 'tên / name')
    .option('--level <level>', 'province | district | commune')
    .option('--limit <n>', 'số kết quả tối đa / max results', '20')
    .action(async (query: string[], opts: { level?: string; limit: string }) => {
      const c = ctx();
      const r = await c.service().call('units.search', {
        query: query.join(' '),
        limit: Number(opts.limit),
        ...(opts.level ? { level: opts.level as never } : {}),
      });
      c.print(r, () =>
        r.items
          .map((u) => `${u.code.padEnd(5)}  ${[u.name, ...u.ancestors.map((a) => a.name).reverse()].join(', ')}`)
          .join('\n') + `\n(${r.items.length}/${r.total})`,
      );
    });
};
