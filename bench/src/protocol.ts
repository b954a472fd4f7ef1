import type { HistogramData } from './stats.ts';

/** The servers the bench can drive: Parley, and the Socket.IO baseline it is compared with. */
export type TargetName = 'parley' | 'baseline';

/** A user the load generator plays: id and an access token of a live session. */
export interface BenchUser {
  id: string;
  username: string;
  token: string;
}

/** What the orchestrator asks a load-generator process to do. */
export type Command =
  | {
      type: 'connect';
      target: TargetName;
      url: string;
      users: BenchUser[];
      /** Sockets opened per second by this worker. */
      ratePerSecond: number;
      /** Give up waiting for the last `ready` after this long. */
      timeoutMs: number;
      /** Also make an HTTP client per user (scenario 2 over HTTP). */
      http?: boolean;
    }
  | {
      type: 'traffic';
      /** Unique per run: clientMessageIds start with it, so runs on one server never collide. */
      tag: string;
      /** Pairs of indices into this worker's connected users; both directions send. */
      pairs: Array<[number, number]>;
      ratePerSecond: number;
      durationMs: number;
      /** After sending stops, wait at most this long for outstanding acks and deliveries. */
      drainMs: number;
      transport: 'ws' | 'http';
      /** Terminate every socket (as a network drop would) this long after traffic starts. */
      stormAtMs?: number;
    }
  | {
      type: 'groupTraffic';
      /** Unique per run, as for `traffic`. */
      tag: string;
      /** Conversations and their members (indices into this worker's connected users). */
      groups: Array<{ conversationId: string; members: number[] }>;
      /** Group messages per second by this worker, in turn to each group, from each member in turn. */
      ratePerSecond: number;
      durationMs: number;
      drainMs: number;
    }
  | {
      type: 'history';
      /** Per connected user index: their conversation and history cursors into it. */
      targets: Array<{ client: number; conversationId: string; cursors: string[] }>;
      ratePerSecond: number;
      durationMs: number;
      pageSize: number;
    }
  | {
      type: 'search';
      /** Per connected user index: their conversation (searched alone every other time). */
      targets: Array<{ client: number; conversationId: string }>;
      /** What is typed, in turn. */
      queries: string[];
      ratePerSecond: number;
      durationMs: number;
      limit: number;
    }
  | {
      /** Cut every socket (as a network drop would) and wait until all are back. */
      type: 'drop';
      timeoutMs: number;
    }
  | {
      type: 'logins';
      target: TargetName;
      url: string;
      logins: string[];
      password: string;
      ratePerSecond: number;
      durationMs: number;
    }
  | { type: 'disconnect' };

export interface ConnectResult {
  opened: number;
  ready: number;
  errors: number;
  errorSamples: string[];
  /** Socket creation → first `ready` of its event stream. */
  readyLatency: HistogramData;
  elapsedMs: number;
}

export interface TrafficResult {
  planned: number;
  acked: number;
  /** Recipient got `message.new` at least once. */
  delivered: number;
  /** Acknowledged to the sender but never delivered to the recipient before the drain ended. */
  lost: number;
  /** `message.new` for the same message seen twice by its recipient. */
  duplicates: number;
  /** Durable event ids that were not exactly the previous id + 1 (gap or repeat; Parley only). */
  eventIdGaps: number;
  eventIdRepeats: number;
  /** Messages delivered after one whose send started after they were acknowledged. */
  outOfOrder: number;
  /** Acknowledged with another message id than the one delivered (a retry that was not idempotent). */
  ackMismatches: number;
  /** Sends that failed for good (after retrying with the same clientMessageId). */
  failed: number;
  retries: number;
  errorCounts: Record<string, number>;
  /** The first message seen for each error code. */
  errorSamples: Record<string, string>;
  /** send call → recipient's `message.new` */
  latency: HistogramData;
  /** send call → acknowledgement */
  ackLatency: HistogramData;
  /** Storm only: drop → next `ready` of each socket's stream. */
  resubscribe: HistogramData | null;
  notResubscribed: number;
  sendWindowMs: number;
  /** First send → last delivery. */
  deliveryWindowMs: number;
}

export interface GroupTrafficResult {
  planned: number;
  acked: number;
  /** Messages every other member of their group received. */
  complete: number;
  /** Deliveries (one per message per member but its sender) expected and seen. */
  expectedDeliveries: number;
  deliveries: number;
  /** Acknowledged but not received by every other member before the drain ended. */
  lost: number;
  /** A member received the same message twice. */
  duplicates: number;
  /** A member received a message after one its sender sent after it was acknowledged. */
  outOfOrder: number;
  eventIdRepeats: number;
  failed: number;
  retries: number;
  errorCounts: Record<string, number>;
  errorSamples: Record<string, string>;
  /** send call → the last member's `message.new` */
  lastMemberLatency: HistogramData;
  /** send call → each member's `message.new` */
  deliveryLatency: HistogramData;
  sendWindowMs: number;
}

export interface DropResult {
  dropped: number;
  /** Sockets whose stream was live again before the timeout. */
  resubscribed: number;
  /** Drop → next `ready` of each socket. */
  resubscribe: HistogramData;
  /** Drop → the last socket ready (or the timeout). */
  elapsedMs: number;
}

export interface HistoryResult {
  requests: number;
  ok: number;
  errors: number;
  wrongPages: number;
  latency: HistogramData;
  elapsedMs: number;
}

export interface SearchResult {
  requests: number;
  ok: number;
  errors: number;
  /** Searches that found nothing although every seeded message matches. */
  empty: number;
  latency: HistogramData;
  elapsedMs: number;
}

export interface LoginResult {
  attempted: number;
  ok: number;
  errors: number;
  errorSamples: string[];
  latency: HistogramData;
}

export type CommandResult =
  | ConnectResult
  | TrafficResult
  | GroupTrafficResult
  | DropResult
  | HistoryResult
  | SearchResult
  | LoginResult
  | { closed: number };

export interface WorkerStats {
  /** CPU time of this process during the command, ms. */
  cpuMs: number;
  wallMs: number;
  /** Event-loop delay of the load generator during the command: if high, it was the bottleneck. */
  loopDelayP99Ms: number;
  rssBytes: number;
}

export type Reply =
  | { id: number; ok: true; result: CommandResult; stats: WorkerStats }
  | { id: number; ok: false; error: string };

export interface Request {
  id: number;
  command: Command;
}
