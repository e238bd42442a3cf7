const EXT = /\.[^.]+$/;

const DOWNLOAD_TYPES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.csv': 'text/csv; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.cfcpkg': 'application/zip',
};

/** The media type of a file offered for download, by its extension. */
export function downloadType(name: string): string {
  return DOWNLOAD_TYPES[(EXT.exec(name)?.[0] ?? '').toLowerCase()] ?? 'application/octet-stream';
}
