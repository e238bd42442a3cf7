import type { Register } from '../main';

export const registerInfo: Register = (program, ctx) => {
  program
    .command('info')
    .description('thông tin ứng dụng và dữ liệu / app version, data directory, catalogue')
    .action(async () => {
      const c = ctx();
      const info = await c.service().call('app.info', {});
      c.print(info, () =>
        [
          `${info.productName} ${info.version}`,
          `Thư mục dữ liệu / data directory: ${info.dataDir}`,
          `Cơ sở dữ liệu / database: ${info.databasePath} (${info.schemaVersion})`,
          `Danh mục đơn vị đang dùng / units catalogue in use: ấn bản / edition ${info.units.dataDate} — ${info.units.provinces} tỉnh / provinces, ${info.units.districts} huyện / districts, ${info.units.communes} xã / communes`,
          `  SHA-256 ${info.units.sha256}`,
          `  ${info.units.source}`,
          `Các ấn bản / editions: ${info.editions.join(', ')}`,
        ].join('\n'),
      );
    });
};
