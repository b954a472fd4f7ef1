import { describe, expect, it } from 'vitest';
import { downloadDisposition, downloadType, safeFileName, servedFileType } from './file-types.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('safeFileName', () => {
  it('keeps the last path segment, without control or bidi characters', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\Users\\me\\report.pdf')).toBe('report.pdf');
    expect(safeFileName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(safeFileName('a\n\tb\u0000.txt')).toBe('ab.txt');
    expect(safeFileName('  my   notes .txt ')).toBe('my notes .txt');
    expect(safeFileName('...')).toBe('file');
    expect(safeFileName('.htaccess')).toBe('htaccess');
  });

  it('cuts a long name to 200 characters, keeping the extension', () => {
    const name = safeFileName(`${'é'.repeat(300)}.pdf`);
    expect([...name]).toHaveLength(200);
    expect(name.endsWith('é.pdf')).toBe(true);
  });
});

describe('servedFileType', () => {
  it('gives a known type only when the bytes are that format', () => {
    expect(servedFileType('report.pdf', bytes('%PDF-1.7'))).toBe('application/pdf');
    expect(servedFileType('fake.pdf', bytes('<html>'))).toBe('application/octet-stream');
    expect(servedFileType('a.zip', Uint8Array.of(0x50, 0x4b, 3, 4))).toBe('application/zip');
    expect(servedFileType('a.docx', Uint8Array.of(0x50, 0x4b, 3, 4))).toMatch(/wordprocessingml/);
  });

  it('never serves markup or scripts as such', () => {
    for (const name of ['page.html', 'page.htm', 'image.svg', 'feed.xml', 'app.js', 'x.xhtml']) {
      expect(servedFileType(name, bytes('<svg onload=alert(1)>'))).toBe('application/octet-stream');
    }
    expect(servedFileType('notes.txt', bytes('hello'))).toBe('text/plain');
    expect(servedFileType('notes.txt', bytes('  <!DOCTYPE html><script>'))).toBe(
      'application/octet-stream',
    );
    expect(servedFileType('noextension', bytes('%PDF-'))).toBe('application/octet-stream');
  });
});

describe('downloadType and downloadDisposition', () => {
  it('re-checks a stored type and names the file for download', () => {
    expect(downloadType('text/html')).toBe('application/octet-stream');
    expect(downloadType('image/svg+xml')).toBe('application/octet-stream');
    expect(downloadType('application/pdf')).toBe('application/pdf');
    expect(downloadDisposition('Rapport été "final"; v2.pdf')).toBe(
      `attachment; filename="Rapport _t_ _final__ v2.pdf"; filename*=UTF-8''Rapport%20%C3%A9t%C3%A9%20%22final%22%3B%20v2.pdf`,
    );
  });
});
