/** What a file card says of a file's type: a short label from its type or its extension. */

const LABELS: Readonly<Record<string, string>> = {
  'application/pdf': 'PDF',
  'application/zip': 'ZIP',
  'application/gzip': 'GZIP',
  'application/x-7z-compressed': '7Z',
  'application/vnd.rar': 'RAR',
  'application/x-tar': 'TAR',
  'text/plain': 'Text',
  'text/csv': 'CSV',
  'text/markdown': 'Markdown',
  'application/json': 'JSON',
  'application/msword': 'Word',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word',
  'application/vnd.ms-excel': 'Excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel',
  'application/vnd.ms-powerpoint': 'PowerPoint',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'PowerPoint',
};

const ARCHIVES = new Set(['ZIP', 'GZIP', '7Z', 'RAR', 'TAR']);

/** "PDF", "Word", "ZIP"; else the extension in capitals ("HTML"), else "File". */
export function fileLabel(mime: string, name: string): string {
  const known = LABELS[mime];
  if (known) return known;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot + 1) : '';
  return extension && extension.length <= 5 ? extension.toUpperCase() : 'File';
}

export const isArchive = (label: string) => ARCHIVES.has(label);
