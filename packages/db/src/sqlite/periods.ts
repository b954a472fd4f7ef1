import type Database from 'better-sqlite3-multiple-ciphers';
import type { MembershipPeriod } from '../types.ts';
import { toPeriod, type PeriodRow } from './rows.ts';

export const periodSql = {
  ofMember: `
    SELECT * FROM member_periods WHERE user_id = ? AND conversation_id = ? ORDER BY from_event`,
  ofUser: `SELECT * FROM member_periods WHERE user_id = ? ORDER BY conversation_id, from_event`,
  open: `
    INSERT INTO member_periods (user_id, conversation_id, from_event, from_seq)
    VALUES (?, ?, ?, ?)`,
  close: `
    UPDATE member_periods SET to_event = ?, to_seq = ?
    WHERE user_id = ? AND conversation_id = ? AND to_event IS NULL`,
};

/** Membership periods: what of a conversation each member may see. */
export function periodMethods(db: Database.Database) {
  const ofMember = db.prepare<[string, string], PeriodRow>(periodSql.ofMember);
  const ofUser = db.prepare<[string], PeriodRow>(periodSql.ofUser);
  const open = db.prepare<[string, string, number, number]>(periodSql.open);
  const close = db.prepare<[number, number, string, string]>(periodSql.close);

  return {
    ofMember: (userId: string, conversationId: string): MembershipPeriod[] =>
      ofMember.all(userId, conversationId).map(toPeriod),
    ofUser: (userId: string): MembershipPeriod[] => ofUser.all(userId).map(toPeriod),
    /** Starts a period at the event (and message) that made the user a member. */
    open(userId: string, conversationId: string, at: { eventId: number; seq: number }): void {
      open.run(userId, conversationId, at.eventId, at.seq);
    },
    /** Ends the user's open period at the event (and message) that ended their membership. */
    close(userId: string, conversationId: string, at: { eventId: number; seq: number }): void {
      close.run(at.eventId, at.seq, userId, conversationId);
    },
  };
}

export type Periods = ReturnType<typeof periodMethods>;
