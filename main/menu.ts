import { Menu, shell, app, dialog, type BrowserWindow } from 'electron';

/**
 * Standard menus with their usual shortcuts, plus File > Database connections… (the
 * OS-keychain store of PostgreSQL URLs, desktop only), "Open logs folder" and About.
 */
export function buildMenu(getWindow: () => BrowserWindow | null, logsDir: string, openConnections: () => void): void {
  const isMac = process.platform === 'darwin';
  const template: Electron.MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      // Electron's default fileMenu (Close on macOS, Quit elsewhere), after our item.
      submenu: [{ label: 'Database connections…', click: () => openConnections() }, { type: 'separator' }, isMac ? { role: 'close' } : { role: 'quit' }],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [{ role: 'reload' }, { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: 'Open logs folder', click: () => void shell.openPath(logsDir) },
        {
          label: 'About Custos',
          click: () => {
            const w = getWindow();
            const detail = `Version ${app.getVersion()}\nElectron ${process.versions.electron}\nChromium ${process.versions.chrome}\nNode ${process.versions.node}`;
            void (w ? dialog.showMessageBox(w, { title: 'About Custos', message: 'Custos', detail }) : dialog.showMessageBox({ title: 'About Custos', message: 'Custos', detail }));
          },
        },
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
