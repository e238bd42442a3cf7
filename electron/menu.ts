/** The application menu, in Vietnamese. Developer tools appear only when the app is not packaged. */
import { app, BrowserWindow, dialog, Menu, shell, type MenuItemConstructorOptions } from 'electron';

export interface MenuOptions {
  productName: string;
  version: string;
  dataDir: string;
  isPackaged: boolean;
  log?: (message: string) => void;
}

export function buildMenu(opts: MenuOptions): Menu {
  const isMac = process.platform === 'darwin';
  const dev = !opts.isPackaged;

  const openDataDir = async (): Promise<void> => {
    const error = await shell.openPath(opts.dataDir);
    if (error) {
      opts.log?.(`openPath(${opts.dataDir}) failed: ${error}`);
      await dialog.showMessageBox({
        type: 'warning',
        title: opts.productName,
        message: 'Không mở được thư mục dữ liệu. / Could not open the data folder.',
        detail: `${opts.dataDir}\n\n${error}`,
      });
    }
  };

  const showAbout = async (): Promise<void> => {
    const parent = BrowserWindow.getFocusedWindow();
    const options = {
      type: 'info' as const,
      title: 'Giới thiệu / About',
      message: `${opts.productName}\nPhiên bản / Version ${opts.version}`,
      detail: [
        'Đánh giá, công nhận xã, phường, thị trấn phù hợp với trẻ em (Quyết định 06/2019/QĐ-TTg).',
        'Child-friendly commune assessment and certification (Decision 06/2019/QD-TTg).',
        '',
        `Thư mục dữ liệu / Data folder: ${opts.dataDir}`,
        `Electron ${process.versions.electron ?? '?'} · Chromium ${process.versions.chrome ?? '?'} · Node ${process.versions.node}`,
      ].join('\n'),
      buttons: ['Đóng / Close'],
    };
    await (parent ? dialog.showMessageBox(parent, options) : dialog.showMessageBox(options));
  };

  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const, label: app.name }] : []),
    {
      label: 'Tệp',
      submenu: [
        { label: 'Mở thư mục dữ liệu', click: () => void openDataDir() },
        { type: 'separator' },
        isMac ? { role: 'close', label: 'Đóng cửa sổ' } : { role: 'quit', label: 'Thoát', accelerator: 'Ctrl+Q' },
      ],
    },
    {
      label: 'Chỉnh sửa',
      submenu: [
        { role: 'undo', label: 'Hoàn tác' },
        { role: 'redo', label: 'Làm lại' },
        { type: 'separator' },
        { role: 'cut', label: 'Cắt' },
        { role: 'copy', label: 'Sao chép' },
        { role: 'paste', label: 'Dán' },
        { role: 'selectAll', label: 'Chọn tất cả' },
      ],
    },
    {
      label: 'Xem',
      submenu: [
        { role: 'reload', label: 'Tải lại' },
        ...(dev
          ? ([
              { role: 'forceReload', label: 'Tải lại (bỏ bộ nhớ đệm)' },
              { role: 'toggleDevTools', label: 'Công cụ phát triển' },
            ] satisfies MenuItemConstructorOptions[])
          : []),
        { type: 'separator' },
        { role: 'resetZoom', label: 'Cỡ chữ mặc định' },
        { role: 'zoomIn', label: 'Phóng to' },
        { role: 'zoomOut', label: 'Thu nhỏ' },
        { type: 'separator' },
        { role: 'togglefullscreen', label: 'Toàn màn hình' },
      ],
    },
    {
      label: 'Cửa sổ',
      submenu: [
        { role: 'minimize', label: 'Thu nhỏ cửa sổ' },
        ...(isMac ? [{ role: 'zoom' as const, label: 'Phóng to cửa sổ' }] : []),
        { role: 'close', label: 'Đóng cửa sổ' },
      ],
    },
    {
      label: 'Trợ giúp',
      role: 'help',
      submenu: [{ label: 'Giới thiệu', click: () => void showAbout() }],
    },
  ];
  return Menu.buildFromTemplate(template);
}
