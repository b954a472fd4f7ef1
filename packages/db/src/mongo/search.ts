import type { PipelineStage } from 'mongoose';
import { foldText, parseSearch, searchPage, type SearchQuery } from '../search.ts';
import type { SearchStore } from '../store.ts';
import type { MembershipPeriod } from '../types.ts';
import type { Hydrate } from './hydrate.ts';
import { SHOWN_FIELDS, type Models } from './models.ts';
import type { Periods } from './periods.ts';

/** Conversations searched by one aggregation (each is a `$unionWith` branch of it). */
const BRANCHES_PER_QUERY = 50;

/** Every character that folds to each letter (é, É, è, ... → e), for accent-blind regexes. */
const FOLDS: Map<string, string> = (() => {
  const folds = new Map<string, string>();
  const ranges: [number, number][] = [
    [0x41, 0x5a],
    [0x61, 0x7a],
    [0xc0, 0x24f],
    [0x1e00, 0x1eff],
  ];
  for (const [from, to] of ranges) {
    for (let code = from; code <= to; code++) {
      const char = String.fromCodePoint(code);
      const folded = foldText(char);
      if (folded.length === 1) folds.set(folded, (folds.get(folded) ?? '') + char);
    }
  }
  return folds;
})();

/**
 * A regex matching the prefix anywhere, case- and accent-blind: MongoDB's text index has no
 * prefix search, so the last word as typed is checked on the documents (of one conversation,
 * within the user's periods) and `searchPage` then keeps only those where a word starts with it.
 */
export function prefixPattern(prefix: string): string {
  return Array.from(prefix, (char) => {
    const variants = FOLDS.get(char);
    return variants ? `[${variants}]` : char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }).join('');
}

/** Where a page ends: its last message, in the newest-first order of (createdAt, _id). */
interface Key {
  createdAt: Date;
  id: string;
}

const CURSOR = /^t:(\d{1,15}):([\w-]{1,64})$/;

function encodeCursor(key: Key): string {
  return `t:${key.createdAt.getTime()}:${key.id}`;
}

/** The key of a cursor, null for none, or undefined for one this store did not issue. */
function decodeCursor(cursor: string | null | undefined): Key | null | undefined {
  if (!cursor) return null;
  const match = CURSOR.exec(cursor);
  return match ? { createdAt: new Date(Number(match[1])), id: match[2]! } : undefined;
}

/** The stages finding one conversation's newest candidates older than `after` the user may read. */
function branch(
  conversationId: string,
  spans: MembershipPeriod[],
  opts: { query: SearchQuery; userId: string; after: Key | null; count: number },
): PipelineStage[] {
  const { query, userId, after } = opts;
  const ranges = spans.map((p) => ({
    seq: { $gte: p.fromSeq, ...(p.toSeq === null ? {} : { $lte: p.toSeq }) },
  }));
  const older = after && {
    $or: [
      { createdAt: { $lt: after.createdAt } },
      { createdAt: after.createdAt, _id: { $lt: after.id } },
    ],
  };
  // $text matches any of the words: searchPage keeps only the messages that have all of them.
  const match: Record<string, unknown> = {
    conversationId,
    ...(query.words.length > 0 ? { $text: { $search: query.words.join(' ') } } : {}),
    $and: [ranges.length === 1 ? ranges[0] : { $or: ranges }, ...(older ? [older] : [])],
    kind: 'text',
    deletedAt: null,
    hiddenFor: { $nin: [userId] },
    ...(query.prefix === null
      ? {}
      : { text: { $regex: prefixPattern(query.prefix), $options: 'i' } }),
  };
  return [
    { $match: match },
    { $sort: { createdAt: -1, _id: -1 } },
    { $limit: opts.count },
    { $project: { _id: 1, text: 1, createdAt: 1 } },
  ];
}

export function searchMethods(
  models: Models,
  deps: { periods: Periods; hydrate: Hydrate },
): SearchStore {
  const { periods, hydrate } = deps;
  const { Message } = models;

  /** One aggregation over several conversations: the first branch, then the others unioned. */
  const candidatesOf = async (branches: PipelineStage[][], count: number) => {
    const [first, ...rest] = branches;
    if (!first) return [];
    return Message.aggregate<{ _id: string; text: string; createdAt: Date }>([
      ...first,
      ...rest.map((pipeline) => ({
        $unionWith: { coll: Message.collection.name, pipeline },
      })),
      { $sort: { createdAt: -1, _id: -1 } },
      { $limit: count },
    ] as PipelineStage[]);
  };

  return {
    async searchMessages({ userId, query: text, conversationId, limit, cursor }) {
      const query = parseSearch(text);
      const spans = (await periods.ofUser(userId)).filter(
        (p) => !conversationId || p.conversationId === conversationId,
      );
      const start = decodeCursor(cursor);
      if (!query || spans.length === 0 || start === undefined)
        return { items: [], nextCursor: null };
      const byConversation = new Map<string, MembershipPeriod[]>();
      for (const span of spans)
        byConversation.set(span.conversationId, [
          ...(byConversation.get(span.conversationId) ?? []),
          span,
        ]);
      const page = await searchPage<Key>({
        query,
        limit,
        after: start,
        candidates: async (after, count) => {
          const branches = [...byConversation].map(([id, of]) =>
            branch(id, of, { query, userId, after, count }),
          );
          const chunks: PipelineStage[][][] = [];
          for (let i = 0; i < branches.length; i += BRANCHES_PER_QUERY)
            chunks.push(branches.slice(i, i + BRANCHES_PER_QUERY));
          const found = (await Promise.all(chunks.map((chunk) => candidatesOf(chunk, count))))
            .flat()
            .sort(
              (a, b) =>
                b.createdAt.getTime() - a.createdAt.getTime() ||
                (a._id < b._id ? 1 : a._id > b._id ? -1 : 0),
            )
            .slice(0, count);
          return found.map((doc) => ({
            key: { createdAt: doc.createdAt, id: doc._id },
            id: doc._id,
            text: doc.text,
            createdAt: doc.createdAt,
          }));
        },
        load: async (ids) =>
          hydrate(await Message.find({ _id: { $in: ids } }, SHOWN_FIELDS).lean()),
      });
      return { items: page.items, nextCursor: page.next && encodeCursor(page.next) };
    },
  };
}
