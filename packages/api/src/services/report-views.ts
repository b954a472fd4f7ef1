import type { Report, Store, User } from '@parley/db';

/** Who someone is, for the admins reading a report. */
export interface ReportPerson {
  id: string;
  username: string;
  displayName: string;
}

/** A report as the admins read it: the people named, and where the message was said. */
export interface ReportView extends Report {
  reporter: ReportPerson;
  reported: ReportPerson;
  /** The admin who resolved it (null while open). */
  resolver: ReportPerson | null;
  /** The reported message's conversation (null for a report about a person). */
  conversation: { id: string; kind: 'direct' | 'group'; title: string | null } | null;
  context: Array<Report['context'][number] & { senderName: string }>;
}

const personOf = (u: User): ReportPerson => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
});

/** Reports with the names and the conversation the admins need to judge them. */
export async function describeReports(store: Store, reports: Report[]): Promise<ReportView[]> {
  const ids = new Set(
    reports.flatMap((r) => [
      r.reporterId,
      r.userId,
      ...(r.resolvedBy ? [r.resolvedBy] : []),
      ...r.context.map((c) => c.senderId),
    ]),
  );
  const people = new Map((await store.getUsers([...ids])).map((u) => [u.id, personOf(u)]));
  const person = (id: string): ReportPerson =>
    people.get(id) ?? { id, username: '', displayName: 'Unknown user' };
  const conversations = await Promise.all(
    reports.map(async (r) => {
      const message = r.messageId ? await store.getMessage(r.messageId) : null;
      const c = message ? await store.getConversation(message.conversationId) : null;
      return c ? { id: c.id, kind: c.kind, title: c.title } : null;
    }),
  );
  return reports.map((r, i) => ({
    ...r,
    reporter: person(r.reporterId),
    reported: person(r.userId),
    resolver: r.resolvedBy ? person(r.resolvedBy) : null,
    conversation: conversations[i]!,
    context: r.context.map((c) => ({ ...c, senderName: person(c.senderId).displayName })),
  }));
}
