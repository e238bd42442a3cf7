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
          `Danh mục đơn vị / units: ${info.units.provinces} tỉnh, ${info.units.districts} huyện, ${info.units.communes} xã (${info.units.dataDate})`,
        ].join('\n'),
      );
    });
};
