/**
 * What a file is served as: its name made safe, and a content type that no browser renders as a
 * page or a script. Files are only ever served as downloads (see the files route), so the type
 * only helps the system open it; anything not known to be harmless is application/octet-stream.
 */

/** The type of a file nothing better is known of, and of anything that could run in a page. */
export const OPAQUE_TYPE = 'application/octet-stream';

const MAX_NAME_LENGTH = 200;

/**
 * Types a file may be served with, by extension. Never HTML, SVG, XML, JavaScript or anything
 * else a browser could run or render with scripts, whatever the file says it is.
 */
const SAFE_TYPES: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  tgz: 'application/gzip',
  '7z': 'application/x-7z-compressed',
  rar: 'application/vnd.rar',
  tar: 'application/x-tar',
  txt: 'text/plain',
  csv: 'text/csv',
  md: 'text/markdown',
  json: 'application/json',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
  rtf: 'application/rtf',
  epub: 'application/epub+zip',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
};

const SERVED_TYPES: ReadonlySet<string> = new Set(Object.values(SAFE_TYPES));

/** Containers named by their first bytes, and the extensions that may use each. */
const MAGIC: readonly { bytes: number[]; offset?: number; extensions: readonly string[] }[] = [
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], extensions: ['pdf'] }, // %PDF-
  {
    bytes: [0x50, 0x4b, 0x03, 0x04], // PK: zip, and the formats made of one
    extensions: ['zip', 'docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'epub'],
  },
  { bytes: [0x1f, 0x8b], extensions: ['gz', 'tgz'] },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], extensions: ['7z'] },
  { bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], extensions: ['rar'] },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], extensions: ['doc', 'xls', 'ppt'] },
  { bytes: [0x89, 0x50, 0x4e, 0x47], extensions: ['png'] },
  { bytes: [0xff, 0xd8, 0xff], extensions: ['jpg', 'jpeg'] },
  { bytes: [0x47, 0x49, 0x46, 0x38], extensions: ['gif'] },
];

/** Extensions whose files have no magic number: text, trusted by name only (served as text, never run). */
const TEXT_EXTENSIONS: ReadonlySet<string> = new Set(['txt', 'csv', 'md', 'json', 'rtf']);

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

function startsWith(head: Uint8Array, bytes: readonly number[]): boolean {
  return bytes.every((byte, i) => head[i] === byte);
}

/**
 * A file's name as given by the uploader, made safe to store, show and offer as a download
 * name: the last path segment, without control or bidirectional formatting characters (which
 * can disguise `gpj.exe` as `exe.jpg`), with runs of spaces folded, at most 200 characters
 * (keeping the extension), "file" when nothing is left.
 */
export function safeFileName(raw: string): string {
  const base = raw.normalize('NFC').split(/[\\/]/).at(-1) ?? '';
  const clean = base
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  if (clean === '') return 'file';
  const chars = [...clean];
  if (chars.length <= MAX_NAME_LENGTH) return clean;
  const extension = extensionOf(clean);
  const keep = extension && extension.length <= 16 ? `.${extension}` : '';
  return chars.slice(0, MAX_NAME_LENGTH - keep.length).join('') + keep;
}

/**
 * The type a file is served with, from its bytes and its name: the type of its extension when
 * its first bytes are that format (or it is plain text by name), else application/octet-stream.
 * A file named `.pdf` that is not a PDF, or an HTML page named `.txt` with markup in it, is opaque.
 */
export function servedFileType(name: string, head: Uint8Array): string {
  const extension = extensionOf(name);
  const type = SAFE_TYPES[extension];
  if (!type) return OPAQUE_TYPE;
  const magic = MAGIC.find((m) => m.extensions.includes(extension));
  if (magic) return startsWith(head, magic.bytes) ? type : OPAQUE_TYPE;
  if (TEXT_EXTENSIONS.has(extension)) return looksLikeMarkup(head) ? OPAQUE_TYPE : type;
  return OPAQUE_TYPE;
}

/** Whether the start of a text looks like HTML or XML (a browser sniffing it would render it). */
function looksLikeMarkup(head: Uint8Array): boolean {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head).trimStart().toLowerCase();
  return /^<(!doctype|html|\?xml|svg|script|head|body|iframe)/.test(text);
}

/** A stored type re-checked when serving: only the safe types go out as they are. */
export function downloadType(mime: string): string {
  return SERVED_TYPES.has(mime) ? mime : OPAQUE_TYPE;
}

/**
 * `Content-Disposition` for a download of `name`: an ASCII fallback name for old clients and
 * the exact name as RFC 5987 `filename*` (UTF-8, percent-encoded).
 */
export function downloadDisposition(
  name: string,
  disposition: 'attachment' | 'inline' = 'attachment',
): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const exact = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${disposition}; filename="${fallback}"; filename*=UTF-8''${exact}`;
}
