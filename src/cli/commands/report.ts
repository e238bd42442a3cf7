import fs from 'node:fs';
import path from 'node:path';
import { dashboardDeps } from '../../api/handlers/dashboard';
import { buildSummary, summaryFormatOf, writeSummary } from '../../core/reports/summary';
import { Rejection } from '../context';
import type { Register } from '../main';

/** `cfc report summary --year YEAR --out FILE.xlsx|.csv|.json [--province CODE]`: the province summary. */
export const registerReport: Register = (program, ctx) => {
  const report = program.command('report').description('báo cáo / reports');
  report
    .command('summary')
    .description('tổng hợp của tỉnh: XLSX (một dòng mỗi xã, theo huyện, tiến độ so với chỉ tiêu), CSV hoặc JSON / province summary')
    .requiredOption('--year <year>', 'năm / year')
    .requiredOption('--out <file>', 'tệp kết quả .xlsx, .csv hoặc .json / output file')
    .option('--province <code>', 'mã tỉnh hoặc huyện (mặc định: đơn vị của hồ sơ cấp tỉnh, nếu không thì toàn quốc) / province or district code')
    .action(async (opts: { year: string; out: string; province?: string }) => {
      const c = ctx();
      const year = Number(opts.year);
      if (!/^\d{4}$/.test(opts.year.trim()) || year < 2000 || year > 2100) {
        throw new Rejection({
          code: 'invalid_input',
          field: 'year',
          message: { vi: `Năm phải là số từ 2000 đến 2100 (trường year: "${opts.year}"); không có gì được ghi.`, en: `The year must be a number from 2000 to 2100 (field year: "${opts.year}"); nothing was written.` },
        });
      }
      const out = path.resolve(c.io.cwd, opts.out);
      const format = summaryFormatOf(out, 'out');
      if (!fs.existsSync(path.dirname(out))) {
        throw new Rejection({
          code: 'invalid_input',
          field: 'out',
          message: { vi: `Không có thư mục ${path.dirname(out)} (trường out); không có gì được ghi.`, en: `The folder ${path.dirname(out)} does not exist (field out); nothing was written.` },
        });
      }
      const service = c.service();
      let scope: string | null = opts.province ?? null;
      if (scope === null) {
        const profile = await service.call('profile.get', {});
        scope = profile && profile.role !== 'commune' ? (service.context.units.record(profile.unitCode)?.provinceCode ?? null) : null;
      } else if (!/^\d{2,5}$/.test(scope)) {
        throw new Rejection({
          code: 'invalid_input',
          field: 'province',
          message: { vi: `Mã đơn vị gồm 2 đến 5 chữ số (trường province: "${scope}").`, en: `A unit code has 2 to 5 digits (field province: "${scope}").` },
        });
      }
      const summary = await buildSummary(await dashboardDeps(service.context, year), year, scope, service.context.now());
      const size = await writeSummary(summary, format, out);
      const t = summary.overview.total;
      const rate = t.ratePercent === null ? '—' : `${t.ratePercent.toFixed(1)}%`;
      c.print({ file: out, format, size, year, scope: summary.scope, total: t }, () =>
        [
          `Đã ghi / written: ${out} (${size} bytes)`,
          `${summary.scope.name}, ${year}: ${t.communes} xã / communes, ${t.assessed} có hồ sơ / assessed, ${t.recognised} đạt / recognised (${t.recognisedSelf} chưa thẩm định / not yet reviewed), ${rate}` +
            (t.target ? ` — chỉ tiêu / target ${t.target.ratePercent}% (${t.target.year})` : ''),
        ].join('\n'),
      );
    });
};
