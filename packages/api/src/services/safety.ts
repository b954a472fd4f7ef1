import type { Message, NewReport, PrivacySettings, ReportStatus, Store } from '@parley/db';
import { AppError } from '../errors.ts';
import type { EventHub } from './event-hub.ts';
import { describeReports } from './report-views.ts';
import type { RateLimits } from './rate-limits.ts';
import type { PublicUser, UsersService } from './users.ts';

/** Messages around a reported one copied into the report, so the admins see what was said. */
const REPORT_CONTEXT = 5;

/** Blocking, privacy settings, and reports to the server's admins. */
export function createSafetyService(deps: {
  store: Store;
  hub: EventHub;
  users: UsersService;
  limits: RateLimits;
  /** Usernames with the admin role (ADMIN_USERNAMES). */
  adminUsernames: ReadonlySet<string>;
  now: () => Date;
}) {
  const { store, hub, users, limits, now } = deps;

  async function setBlocked(me: string, userId: string, blocked: boolean) {
    if (userId === me) throw new AppError('BAD_REQUEST', 'You cannot block yourself.');
    await users.requireExists(userId);
    const result = await store.setBlocked({ blockerId: me, userId, blocked, at: now() });
    hub.publish(result.events);
    await showAsNow(me, userId);
    return { userId, blocked };
  }

  /**
   * Tells `viewer`'s sessions what they may see of me after a block or an unblock: blocked, they
   * see me offline with no last seen and no picture at once, not only after reconnecting.
   */
  async function showAsNow(me: string, viewer: string) {
    const [seen] = await users.get(viewer, [me]);
    if (!seen) return;
    const { online, lastSeenAt, ...profile } = seen;
    for (const data of [
      { type: 'presence', userId: me, online, lastSeenAt },
      { type: 'user.updated', user: profile },
    ] as const)
      hub.publishLive({ from: me, conversationIds: [], to: [viewer], data });
  }

  /** Whether this person has the admin role (sees and resolves reports). */
  const isAdmin = (username: string) => deps.adminUsernames.has(username);

  function requireAdmin(username: string): void {
    if (!isAdmin(username))
      throw new AppError('FORBIDDEN', 'Only the server’s administrators can see reports.');
  }

  /** The reported message and the few before it, as the reporter may see them. */
  async function contextOf(me: string, message: Message): Promise<NewReport['context']> {
    const before = await store.listMessages({
      conversationId: message.conversationId,
      userId: me,
      beforeSeq: message.seq,
      limit: REPORT_CONTEXT,
    });
    return [...before, message]
      .filter((m) => m.kind === 'text')
      .map(({ id, senderId, text, createdAt }) => ({ id, senderId, text, createdAt }));
  }

  return {
    isAdmin,

    block: (me: string, userId: string) => setBlocked(me, userId, true),
    unblock: (me: string, userId: string) => setBlocked(me, userId, false),

    /** Whom I blocked, most recent first. */
    async blocked(me: string): Promise<Array<{ user: PublicUser; blockedAt: Date }>> {
      const entries = await store.listBlocked(me);
      const people = new Map(
        (
          await users.get(
            me,
            entries.map((e) => e.userId),
          )
        ).map((u) => [u.id, u] as const),
      );
      return entries.flatMap((e) => {
        const user = people.get(e.userId);
        return user ? [{ user, blockedAt: e.blockedAt }] : [];
      });
    },

    async settings(me: string): Promise<PrivacySettings> {
      const [settings] = await store.getSettings([me]);
      return settings!;
    },

    async updateSettings(me: string, patch: Partial<PrivacySettings>): Promise<PrivacySettings> {
      const result = await store.updateSettings(me, patch, now());
      hub.publish(result.events);
      return result.settings;
    },

    /** A message (of a conversation I may read) or a person, reported to the admins. */
    async report(
      me: string,
      input: {
        userId?: string | undefined;
        messageId?: string | undefined;
        reason: NewReport['reason'];
        details: string;
      },
    ) {
      await limits.consume('report', me, 'You have sent many reports: try again later.');
      let userId = input.userId;
      let context: NewReport['context'] = [];
      if (input.messageId) {
        const message = await store.getMessage(input.messageId);
        if (!message || !(await store.canSeeMessage(me, message.conversationId, message.seq)))
          throw new AppError('NOT_FOUND', 'That message does not exist, or you cannot see it.');
        if (message.senderId === me)
          throw new AppError('BAD_REQUEST', 'You cannot report yourself.');
        userId = message.senderId;
        context = await contextOf(me, message);
      }
      if (!userId) throw new AppError('BAD_REQUEST', 'Report a message or a person.');
      if (userId === me) throw new AppError('BAD_REQUEST', 'You cannot report yourself.');
      await users.requireExists(userId);
      const report = await store.createReport({
        reporterId: me,
        userId,
        messageId: input.messageId ?? null,
        reason: input.reason,
        details: input.details,
        context,
        createdAt: now(),
      });
      return { id: report.id, status: report.status };
    },

    async reports(
      username: string,
      input: { status: ReportStatus; limit: number; cursor?: string | null | undefined },
    ) {
      requireAdmin(username);
      const page = await store.listReports({ ...input, cursor: input.cursor ?? null });
      return { items: await describeReports(store, page.items), nextCursor: page.nextCursor };
    },

    async resolveReport(
      me: { id: string; username: string },
      input: { reportId: string; resolution: string },
    ) {
      requireAdmin(me.username);
      const report = await store.resolveReport({
        id: input.reportId,
        resolvedBy: me.id,
        resolution: input.resolution,
        at: now(),
      });
      if (!report) throw new AppError('NOT_FOUND', 'No open report has that id.');
      return report;
    },
  };
}

export type SafetyService = ReturnType<typeof createSafetyService>;
