import type Database from 'better-sqlite3-multiple-ciphers';
import type { LinkPreviewStore } from '../store.ts';
import type { CachedLinkPreview } from '../types.ts';

interface LinkPreviewRow {
  url: string;
  preview: string | null;
  failure: string | null;
  expires_at: number;
}

export const linkPreviewSql = {
  get: `SELECT * FROM link_previews WHERE url = ? AND expires_at > ?`,
  save: `
    INSERT INTO link_previews (url, preview, failure, expires_at)
    VALUES (@url, @preview, @failure, @expiresAt)
    ON CONFLICT (url) DO UPDATE SET
      preview = excluded.preview, failure = excluded.failure, expires_at = excluded.expires_at`,
  prune: `DELETE FROM link_previews WHERE expires_at <= ?`,
};

function toEntry(row: LinkPreviewRow): CachedLinkPreview {
  return {
    url: row.url,
    preview: row.preview === null ? null : JSON.parse(row.preview),
    failure: row.failure === null ? null : JSON.parse(row.failure),
    expiresAt: new Date(row.expires_at),
  };
}

export function linkPreviewMethods(db: Database.Database): LinkPreviewStore {
  const get = db.prepare<[string, number], LinkPreviewRow>(linkPreviewSql.get);
  const save = db.prepare<
    [{ url: string; preview: string | null; failure: string | null; expiresAt: number }]
  >(linkPreviewSql.save);
  const prune = db.prepare<[number]>(linkPreviewSql.prune);
  const saveAndPrune = db.transaction((entry: CachedLinkPreview, now: number) => {
    prune.run(now);
    save.run({
      url: entry.url,
      preview: entry.preview === null ? null : JSON.stringify(entry.preview),
      failure: entry.failure === null ? null : JSON.stringify(entry.failure),
      expiresAt: entry.expiresAt.getTime(),
    });
  });

  return {
    async getLinkPreview(url, now) {
      const row = get.get(url, now.getTime());
      return row ? toEntry(row) : null;
    },

    async saveLinkPreview(entry, now) {
      saveAndPrune(entry, now.getTime());
    },
  };
}
