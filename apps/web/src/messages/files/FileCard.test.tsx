// @vitest-environment happy-dom
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fileLabel } from './file-kind.ts';
import { FileCard } from './FileCard.tsx';

describe('FileCard', () => {
  it('is one download link named for the file, its type and size', () => {
    render(
      <FileCard
        mine={false}
        file={{
          id: 'f1',
          kind: 'file',
          mime: 'application/pdf',
          name: 'Quarterly report.pdf',
          size: 2_516_582,
          url: '/api/files/f1/original',
        }}
      />,
    );
    const link = screen.getByRole('link', {
      name: 'Download Quarterly report.pdf, PDF, 2.4 MB',
    });
    expect(link.getAttribute('href')).toBe('/api/files/f1/original');
    expect(link.getAttribute('download')).toBe('Quarterly report.pdf');
  });
});

describe('fileLabel', () => {
  it('names known types, else the extension, else "File"', () => {
    expect(fileLabel('application/zip', 'x.zip')).toBe('ZIP');
    expect(fileLabel('application/octet-stream', 'page.html')).toBe('HTML');
    expect(fileLabel('application/octet-stream', 'noextension')).toBe('File');
  });
});
