/**
 * Path fields the page might try to send, one per name the local contract uses (`outPath`, `paths`, `path`, `file`):
 * each UI call below refuses it as invalid_input naming the field (its UI schema is strict), over IPC
 * (test/unit/electron-security.test.ts) and HTTP (test/integration/contract-surfaces.test.ts). The calls that take a
 * path only (`packages.create`, `backup.create`, `packs.install`, `reports.summary`, …) do not exist on the UI surface.
 */
const id = '00000000-0000-4000-8000-000000000000';

export const pathFieldCases: [call: string, input: Record<string, unknown>, field: string][] = [
  ['packages.export', { id, outPath: '/etc/passwd' }, 'outPath'],
  ['packages.verify', { paths: ['/'] }, 'paths'],
  ['packages.import', { paths: ['/etc'], stagedIds: [] }, 'paths'],
  ['reports.selfAssessment', { id, format: 'pdf', outPath: '/tmp/x.pdf' }, 'outPath'],
  ['dashboard.export', { year: 2025, scope: null, format: 'csv', outPath: '/tmp/x.csv' }, 'outPath'],
  ['backup.start', { path: '/tmp/x.cfcbak' }, 'path'],
  ['backup.restoreStart', { stagedId: id, path: '/tmp/x.cfcbak' }, 'path'],
  ['packs.installStaged', { stagedId: id, file: '/etc/passwd' }, 'file'],
  ['reviews.minutes', { id, format: 'docx', path: '/tmp/x.docx' }, 'path'],
  ['units.load', { stagedId: id, file: '/etc/passwd' }, 'file'],
];

/** Calls of the local contract only: unknown on the UI surface, whatever their input. */
export const localOnlyCases: [call: string, input: Record<string, unknown>][] = [
  ['packages.create', { input: '/etc/passwd', outPath: '/tmp/x' }],
  ['backup.create', { path: '/tmp/x.cfcbak' }],
  ['backup.restore', { path: '/tmp/x.cfcbak' }],
  ['packs.install', { file: '/etc/passwd' }],
  ['reports.summary', { year: 2025, outPath: '/tmp/x.xlsx' }],
  ['units.loadFile', { file: '/etc/passwd' }],
  ['packs.toXlsx', { id: 'qd06-2019', outPath: '/tmp/x.xlsx' }],
];
