import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type {
  BlobStore,
  CachedLinkPreview,
  ImageMime,
  LinkPreview,
  LinkPreviewImage,
  Store,
} from '@parley/db';
import { AppError } from '../errors.ts';
import type { AttachmentsService } from './attachments.ts';
import type { AddressAllowList } from './link-addresses.ts';
import { checkLinkUrl, fetchChecked, type FetchRules } from './link-fetch.ts';
import { decodeHtml, readPageMeta } from './link-page.ts';
import type { RateLimits } from './rate-limits.ts';

/** Where the server serves the pictures of link previews: `${LINK_IMAGES_PATH}/<id>.<ext>`. */
export const LINK_IMAGES_PATH = '/api/link-images';

/** The bounds of fetching a preview. */
export const LINK_PREVIEW_LIMITS = {
  /** Of a page: its start is read, the rest cut off (the head comes first). */
  maxPageBytes: 512 * 1024,
  /** Of a picture: a larger one is not shown. */
  maxImageBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
  /** How long a preview is kept, and why a page had none. */
  ttlMs: 24 * 3600_000,
  failureTtlMs: 10 * 60_000,
} as const;

/** How link previews are configured (LINK_PREVIEWS, LINK_PREVIEW_ALLOW, LINK_PREVIEW_TIMEOUT_MS). */
export interface LinkPreviewOptions {
  enabled: boolean;
  /** Addresses that may be fetched although private or local. */
  allow: AddressAllowList;
  /** For everything of one preview: the page, its redirects and its picture. */
  timeoutMs: number;
}

const EXTENSIONS: Record<ImageMime, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
};
const MIMES = Object.fromEntries(
  Object.entries(EXTENSIONS).map(([mime, ext]) => [ext, mime as ImageMime]),
);
/** The file name of a preview picture: the hash of its address, and its type. */
const IMAGE_NAME = /^([0-9a-f]{64})\.(jpg|png|gif|webp)$/;

const linkImageBlobKey = (name: string) => `linkimage-${name}`;

export function createLinkPreviewsService(deps: {
  store: Store;
  blobs: BlobStore;
  limits: RateLimits;
  attachments: AttachmentsService;
  options: LinkPreviewOptions;
  now: () => Date;
}) {
  const { store, blobs, limits, attachments, options, now } = deps;
  /** Previews being fetched, by url: a second asker waits for the same one. */
  const fetching = new Map<string, Promise<CachedLinkPreview>>();

  /** The page's picture, re-encoded like an upload and stored; null when it cannot be had. */
  async function keepImage(
    me: string,
    address: string,
    page: URL,
    rules: FetchRules,
  ): Promise<LinkPreviewImage | null> {
    try {
      const url = checkLinkUrl(new URL(address, page).href);
      const fetched = await fetchChecked(
        url,
        {
          accept: 'image/*',
          types: (type) => type.startsWith('image/'),
          maxBytes: LINK_PREVIEW_LIMITS.maxImageBytes + 1,
        },
        rules,
      );
      if (fetched.cut) return null;
      const image = await attachments.reencode(me, fetched.body);
      const thumb = image.variants.thumb;
      const hash = createHash('sha256').update(url.href).digest('hex');
      const name = `${hash}.${EXTENSIONS[image.mime]}`;
      await blobs.put(linkImageBlobKey(name), thumb.data);
      return { url: `${LINK_IMAGES_PATH}/${name}`, width: thumb.width, height: thumb.height };
    } catch (error) {
      if (error instanceof AppError) return null;
      throw error;
    }
  }

  async function fetchPreview(me: string, url: URL): Promise<LinkPreview> {
    const rules: FetchRules = {
      allow: options.allow,
      maxRedirects: LINK_PREVIEW_LIMITS.maxRedirects,
      signal: AbortSignal.timeout(options.timeoutMs),
    };
    const page = await fetchChecked(
      url,
      {
        accept: 'text/html',
        types: (type) => type === 'text/html' || type === 'application/xhtml+xml',
        maxBytes: LINK_PREVIEW_LIMITS.maxPageBytes,
      },
      rules,
    );
    const meta = readPageMeta(decodeHtml(page.body, page.charset));
    if (!meta.title) throw new AppError('NOT_FOUND', `${page.url.host} has no title to show.`);
    return {
      url: page.url.href,
      title: meta.title,
      description: meta.description,
      siteName: meta.siteName,
      image:
        meta.image && !rules.signal.aborted
          ? await keepImage(me, meta.image, page.url, rules)
          : null,
    };
  }

  /** Fetches the preview (or why there is none) and caches it. */
  async function refresh(me: string, url: URL): Promise<CachedLinkPreview> {
    const at = now();
    let entry: CachedLinkPreview;
    try {
      const preview = await fetchPreview(me, url);
      const expiresAt = new Date(at.getTime() + LINK_PREVIEW_LIMITS.ttlMs);
      entry = { url: url.href, preview, failure: null, expiresAt };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const expiresAt = new Date(at.getTime() + LINK_PREVIEW_LIMITS.failureTtlMs);
      const failure = { code: error.code, message: error.message };
      entry = { url: url.href, preview: null, failure, expiresAt };
    }
    await store.saveLinkPreview(entry, at);
    return entry;
  }

  return {
    /**
     * The preview of a web page: its title, description, site name and picture, from its Open
     * Graph or Twitter tags, else its `<title>` and meta description. Fetched from public
     * addresses only (see fetchChecked), cached with why a page had none.
     *
     * @throws AppError BAD_REQUEST (not an http(s) address), FORBIDDEN (turned off; a private
     * address), UNSUPPORTED_MEDIA_TYPE (not a web page), NOT_FOUND (no preview to be had),
     * TOO_MANY_REQUESTS
     */
    async preview(me: string, raw: string): Promise<LinkPreview> {
      if (!options.enabled) {
        throw new AppError('FORBIDDEN', 'Link previews are turned off on this server.');
      }
      const url = checkLinkUrl(raw);
      await limits.consume('linkPreview', me, 'You are asking for too many link previews.');
      let entry = await store.getLinkPreview(url.href, now());
      if (!entry) {
        let pending = fetching.get(url.href);
        if (!pending) {
          pending = refresh(me, url).finally(() => fetching.delete(url.href));
          fetching.set(url.href, pending);
        }
        entry = await pending;
      }
      if (entry.preview) return entry.preview;
      const failure = entry.failure ?? { code: 'NOT_FOUND', message: 'That page has no preview.' };
      throw new AppError(failure.code as AppError['code'], failure.message);
    },

    /** A preview's picture (to anyone signed in: it is on the web), or NOT_FOUND. */
    async openImage(name: string): Promise<{ stream: Readable; size: number; mime: ImageMime }> {
      const match = IMAGE_NAME.exec(name);
      const blob = match ? await blobs.get(linkImageBlobKey(name)) : null;
      if (!match || !blob) throw new AppError('NOT_FOUND', 'No such file.');
      return { stream: blob.stream, size: blob.size, mime: MIMES[match[2]!]! };
    },
  };
}

export type LinkPreviewsService = ReturnType<typeof createLinkPreviewsService>;
