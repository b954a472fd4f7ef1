import { mongoUri, randomDatabaseName, skipWithoutMongo, withDatabase } from '@parley/db/testing';
import { clusterSuite } from './suite.ts';

const uri = mongoUri;
if (uri) {
  // A database of its own (the workflow's mongo container is thrown away afterwards).
  const name = randomDatabaseName('parley_scale');
  clusterSuite('scale-out on MongoDB (replica set) and Redis: three real server processes', {
    databaseUrl: () => withDatabase(uri, name),
  });
} else {
  skipWithoutMongo({
    reason:
      '[scale] MongoDB variants skipped: MONGODB_URI is not set (no MongoDB server on this machine; ' +
      'the GitHub Actions workflow runs them against a mongo:7 single-node replica set)',
    suite: 'scale-out on MongoDB (set MONGODB_URI to a replica set to run it)',
    test: 'runs the scale-out suite against MongoDB',
  });
}
