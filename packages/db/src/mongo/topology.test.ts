import { describe, expect, it } from 'vitest';
import { topologyProblem } from './topology.ts';

describe('topology check', () => {
  it('accepts a replica set member and a mongos', () => {
    expect(topologyProblem({ setName: 'rs0' })).toBeNull();
    expect(topologyProblem({ msg: 'isdbgrid' })).toBeNull();
  });

  it('refuses a standalone mongod, saying how to make it a replica set', () => {
    expect(topologyProblem({})).toMatch(/standalone mongod.*replica set.*--replSet/);
  });
});
