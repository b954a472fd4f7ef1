import { clusterSuite } from './suite.ts';

clusterSuite('scale-out on one SQLite file (WAL) and Redis: three real server processes');
