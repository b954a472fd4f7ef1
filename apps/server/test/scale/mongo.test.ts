import { randomUUID } from 'node:crypto';
import { describe, it } from 'vitest';
import { clusterSuite } from './suite.ts';

const uri = process.env.MONGODB_URI;

if (uri) {
  // A database of its own (the workflow's mongo container is thrown away afterwards).
  const name = `parley_scale_${randomUUID().replaceAll('-', '')}`;
  clusterSuite('scale-out on MongoDB (replica set) and Redis: three real server processes', {
    databaseUrl: () => withDatabase(uri, name),
  });
} else {
  console.warn(
    '[scale] MongoDB variants skipped: MONGODB_URI is not set (no MongoDB server on this machine; ' +
      'the GitHub Actions workflow runs them against a mongo:7 single-node replica set)',
  );
  describe.skip('scale-out on MongoDB (set MONGODB_URI to a replica set to run it)', () => {
    it('runs the scale-out suite against MongoDB', () => {});
  });
}

/** Puts `name` in the database part of `uri`, keeping the authSource a credentialed URI had. */
function withDatabase(uri: string, name: string): string {
  const parts = /^(mongodb(?:\+srv)?:\/\/([^/?]*))(?:\/([^?]*))?(?:\?(.*))?$/.exec(uri);
  if (!parts?.[1]) throw new Error('MONGODB_URI must be a mongodb:// or mongodb+srv:// URI');
  const [, base, authority = '', database = '', query = ''] = parts;
  const params = new URLSearchParams(query);
  if (authority.includes('@') && !params.has('authSource'))
    params.set('authSource', database || 'admin');
  const search = params.toString();
  return `${base}/${name}${search ? `?${search}` : ''}`;
}
