import { describe, expect, it } from 'vitest';
import type { CachedLinkPreview } from '../types.ts';
import type { ContractContext } from './fixtures.ts';

export function linkPreviewContract({ store }: ContractContext): void {
  describe('link previews', () => {
    const now = new Date('2025-03-01T12:00:00.000Z');
    const later = (ms: number) => new Date(now.getTime() + ms);
    const page: CachedLinkPreview = {
      url: 'https://example.com/page',
      preview: {
        url: 'https://www.example.com/page',
        title: 'A page',
        description: 'What it is about',
        siteName: 'Example',
        image: { url: '/api/link-images/abc.png', width: 320, height: 200 },
      },
      failure: null,
      expiresAt: later(60_000),
    };

    it('keeps a preview until it expires', async () => {
      expect(await store().getLinkPreview(page.url, now)).toBeNull();
      await store().saveLinkPreview(page, now);

      expect(await store().getLinkPreview(page.url, now)).toEqual(page);
      expect(await store().getLinkPreview(page.url, later(59_999))).toEqual(page);
      expect(await store().getLinkPreview(page.url, later(60_000))).toBeNull();
      expect(await store().getLinkPreview('https://example.com/other', now)).toBeNull();
    });

    it('keeps a failure, and replaces an entry of the same url', async () => {
      const failed: CachedLinkPreview = {
        url: page.url,
        preview: null,
        failure: { code: 'NOT_FOUND', message: 'The page answered 404.' },
        expiresAt: later(1000),
      };
      await store().saveLinkPreview(page, now);
      await store().saveLinkPreview(failed, now);
      expect(await store().getLinkPreview(page.url, now)).toEqual(failed);

      await store().saveLinkPreview(page, later(2000));
      expect(await store().getLinkPreview(page.url, now)).toEqual(page);
    });
  });
}
