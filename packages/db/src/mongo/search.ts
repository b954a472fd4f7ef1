import type { PipelineStage } from 'mongoose';
import {
  foldText,
  parseSearch,
  SEARCH_CANDIDATES,
  searchPage,
  type SearchQuery,
} from '../search.ts';
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
 * within the user's periods) and `rankCandidates` then keeps only those where a word starts with it.
 */
export function prefixPattern(prefix: string): string {
  return Array.from(prefix, (char) => {
    const variants = FOLDS.get(char);
    return variants ? `[${variants}]` : char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }).join('');
}

/** The stages finding one conversation's newest candidates the user may read. */
function branch(
  conversationId: string,
  spans: MembershipPeriod[],
  query: SearchQuery,
  userId: string,
): PipelineStage[] {
  const ranges = spans.map((p) => ({
    seq: { $gte: p.fromSeq, ...(p.toSeq === null ? {} : { $lte: p.toSeq }) },
  }));
  const match: Record<string, unknown> = {
    conversationId,
    ...(query.words.length > 0 ? { $text: { $search: query.words.join(' ') } } : {}),
    ...(ranges.length === 1 ? ranges[0] : { $or: ranges }),
    kind: 'text',
    deletedAt: null,
    hiddenFor: { $nin: [userId] },
    ...(query.prefix === null
      ? {}
      : { text: { $regex: prefixPattern(query.prefix), $options: 'i' } }),
  };
  // $text matches any of the words: those with the most come first, and rankCandidates keeps
  // only the messages that have all of them.
  const order: Record<string, 1 | -1 | { $meta: 'textScore' }> =
    query.words.length > 0 ? { score: { $meta: 'textScore' }, seq: -1 } : { seq: -1 };
  return [
    { $match: match },
    { $sort: order },
    { $limit: SEARCH_CANDIDATES },
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
  const candidatesOf = async (branches: PipelineStage[][]) => {
    const [first, ...rest] = branches;
    if (!first) return [];
    return Message.aggregate<{ _id: string; text: string; createdAt: Date }>([
      ...first,
      ...rest.map((pipeline) => ({
        $unionWith: { coll: Message.collection.name, pipeline },
      })),
      { $sort: { createdAt: -1, _id: -1 } },
      { $limit: SEARCH_CANDIDATES },
    ] as PipelineStage[]);
  };

  return {
    async searchMessages({ userId, query: text, conversationId, limit, cursor }) {
      const query = parseSearch(text);
      const spans = (await periods.ofUser(userId)).filter(
        (p) => !conversationId || p.conversationId === conversationId,
      );
      if (!query || spans.length === 0) return { items: [], nextCursor: null };
      const byConversation = new Map<string, MembershipPeriod[]>();
      for (const span of spans)
        byConversation.set(span.conversationId, [
          ...(byConversation.get(span.conversationId) ?? []),
          span,
        ]);
      const branches = [...byConversation].map(([id, of]) => branch(id, of, query, userId));
      const chunks: PipelineStage[][][] = [];
      for (let i = 0; i < branches.length; i += BRANCHES_PER_QUERY)
        chunks.push(branches.slice(i, i + BRANCHES_PER_QUERY));
      const found = (await Promise.all(chunks.map(candidatesOf)))
        .flat()
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
        .slice(0, SEARCH_CANDIDATES);
      return searchPage({
        candidates: found.map((doc) => ({ id: doc._id, text: doc.text, createdAt: doc.createdAt })),
        query,
        cursor,
        limit,
        load: async (ids) =>
          hydrate(await Message.find({ _id: { $in: ids } }, SHOWN_FIELDS).lean()),
      });
    },
  };
}
