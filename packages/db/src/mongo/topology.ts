import type { Connection } from 'mongoose';

/** What the `hello` command tells of the server (see the MongoDB manual's `hello` reference). */
export interface Hello {
  /** Present on a member of a replica set. */
  setName?: string;
  /** 'isdbgrid' on a mongos (a sharded cluster). */
  msg?: string;
}

/**
 * Why the server cannot hold this store, or null when it can. Every write of a message,
 * receipt, group change and session is a multi-document transaction, which MongoDB refuses on
 * a standalone mongod ("Transaction numbers are only allowed on a replica set member or
 * mongos"): better to stop at start-up than on the first send.
 */
export function topologyProblem(hello: Hello): string | null {
  if (hello.setName || hello.msg === 'isdbgrid') return null;
  return (
    'the server is a standalone mongod, and Parley writes in transactions, which MongoDB ' +
    'allows only on a replica set or a sharded cluster. A one-member replica set is enough: ' +
    'start mongod with --replSet rs0, run rs.initiate() once, and add ?replicaSet=rs0 to the URI'
  );
}

/** @throws Error with `topologyProblem`'s reason on a standalone server. */
export async function assertTransactions(conn: Connection): Promise<void> {
  if (!conn.db) throw new Error('no database selected');
  const hello = (await conn.db.admin().command({ hello: 1 })) as Hello;
  const problem = topologyProblem(hello);
  if (problem) throw new Error(problem);
}
