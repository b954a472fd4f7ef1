import { lookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { AppError } from '../errors.ts';
import { mayConnect, type AddressAllowList } from './link-addresses.ts';

/** How a link preview fetches: the addresses it may reach besides public ones, and its bounds. */
export interface FetchRules {
  allow: AddressAllowList;
  /** Redirects followed, each checked like the first address. */
  maxRedirects: number;
  /** Aborts everything still going: the preview's time limit. */
  signal: AbortSignal;
}

export interface Fetched {
  /** Where the answer came from, after redirects. */
  url: URL;
  /** The media type, lower case, without parameters. */
  type: string;
  /** The `charset` parameter, if any. */
  charset: string | null;
  body: Buffer;
  /** The body was longer than asked for (or stopped by the time limit): this is its start. */
  cut: boolean;
}

const USER_AGENT = 'ParleyLinkPreview/1.0 (+https://github.com/parley)';

/** A URL a preview may ask for: http or https, with a host and no credentials. */
export function checkLinkUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('BAD_REQUEST', 'That is not a web address (like https://example.com).');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError('BAD_REQUEST', 'Only http and https links have previews.');
  }
  if (url.username || url.password) {
    throw new AppError('BAD_REQUEST', 'Links with a user name or password have no preview.');
  }
  url.hash = '';
  return url;
}

/**
 * The address to connect to for `host`, checked: every address it resolves to must be public or
 * allowed (a name that also points inward is refused as a whole).
 */
async function resolveChecked(host: string, allow: AddressAllowList): Promise<[string, 4 | 6]> {
  const name = host.replace(/^\[(.*)\]$/, '$1');
  const addresses =
    isIP(name) !== 0
      ? [{ address: name, family: isIP(name) }]
      : await lookup(name, { all: true, verbatim: true }).catch(() => {
          throw new AppError('NOT_FOUND', `The site ${name} could not be found.`);
        });
  const first = addresses[0];
  if (!first || addresses.some((a) => !mayConnect(a.address, allow))) {
    throw new AppError(
      'FORBIDDEN',
      `The link leads to a private or local address (${name}): it has no preview.`,
    );
  }
  return [first.address, first.family === 6 ? 6 : 4];
}

/** A lookup that answers the address already checked, so the connection goes nowhere else. */
function pinned(address: string, family: 4 | 6): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

function request(url: URL, accept: string, address: [string, 4 | 6], signal: AbortSignal) {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<IncomingMessage>((resolve, reject) => {
    const req = client.request(url, {
      method: 'GET',
      agent: false,
      signal,
      lookup: pinned(...address),
      headers: { 'user-agent': USER_AGENT, accept, 'accept-encoding': 'identity' },
    });
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  });
}

/** Reads at most `maxBytes` of the body; past it, or when the time is up, what came is kept. */
async function readCut(
  response: IncomingMessage,
  maxBytes: number,
  signal: AbortSignal,
): Promise<{ body: Buffer; cut: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= maxBytes) break;
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
  const cut = size >= maxBytes || signal.aborted;
  response.destroy();
  return { body: Buffer.concat(chunks, size).subarray(0, maxBytes), cut };
}

function failure(error: unknown, url: URL, signal: AbortSignal): AppError {
  if (error instanceof AppError) return error;
  if (signal.aborted) return new AppError('NOT_FOUND', `${url.host} took too long to answer.`);
  return new AppError('NOT_FOUND', `${url.host} could not be reached.`);
}

/**
 * GETs `start` from a public address (or an allowed one), following redirects by hand and checking
 * each hop's address; answers the body of an accepted media type, cut at `maxBytes`.
 *
 * @throws AppError FORBIDDEN (a private address), UNSUPPORTED_MEDIA_TYPE, NOT_FOUND (unreachable,
 * an error status, too many redirects, the time limit)
 */
export async function fetchChecked(
  start: URL,
  want: { accept: string; types: (type: string) => boolean; maxBytes: number },
  rules: FetchRules,
): Promise<Fetched> {
  let url = start;
  for (let hop = 0; hop <= rules.maxRedirects; hop++) {
    let response: IncomingMessage;
    try {
      response = await request(
        url,
        want.accept,
        await resolveChecked(url.hostname, rules.allow),
        rules.signal,
      );
    } catch (error) {
      throw failure(error, url, rules.signal);
    }
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (status >= 300 && status < 400 && location) {
      response.destroy();
      url = checkLinkUrl(new URL(location, url).href);
      continue;
    }
    if (status < 200 || status >= 300) {
      response.destroy();
      throw new AppError('NOT_FOUND', `${url.host} answered ${status}.`);
    }
    const [type = '', ...params] = (response.headers['content-type'] ?? '').split(';');
    const mediaType = type.trim().toLowerCase();
    if (!want.types(mediaType)) {
      response.destroy();
      throw new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        `${url.host} answered ${mediaType || 'something unnamed'}, not ${want.accept}.`,
      );
    }
    const charset = params
      .map((p) => /^\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(p)?.[1])
      .find(Boolean);
    const { body, cut } = await readCut(response, want.maxBytes, rules.signal);
    return { url, type: mediaType, charset: charset?.toLowerCase() ?? null, body, cut };
  }
  throw new AppError('NOT_FOUND', `The link redirects more than ${rules.maxRedirects} times.`);
}
