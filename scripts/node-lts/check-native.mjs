// Loads every native module the server uses and makes it do one thing, on whichever Node.js runs
// this file: `node scripts/node-lts/check-native.mjs` (or through scripts/node-lts/test.sh check).
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.join(import.meta.dirname, '..', '..');
const require = createRequire(path.join(root, 'apps', 'server', 'package.json'));
const failures = [];

async function check(name, probe) {
  try {
    console.log(`ok   ${name}: ${await probe()}`);
  } catch (error) {
    failures.push(name);
    console.log(`FAIL ${name}: ${error instanceof Error ? error.message.split('\n')[0] : error}`);
  }
}

console.log(`Node.js ${process.version} (modules ABI ${process.versions.modules})`);
await check('better-sqlite3-multiple-ciphers', () => {
  const Database = require('better-sqlite3-multiple-ciphers');
  const db = new Database(':memory:');
  const row = db.prepare('select sqlite_version() as v, 1 + 1 as two').get();
  db.close();
  if (row.two !== 2) throw new Error('wrong answer');
  return `SQLite ${row.v}`;
});
await check('argon2', async () => {
  const argon2 = require('argon2');
  const hash = await argon2.hash('check', { memoryCost: 1024, timeCost: 1 });
  if (!(await argon2.verify(hash, 'check'))) throw new Error('verify failed');
  return hash.slice(0, 10);
});
await check('sharp', async () => {
  const sharp = require('sharp');
  const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#f00' } })
    .png()
    .toBuffer();
  const meta = await sharp(png).metadata();
  return `${meta.format} ${meta.width}x${meta.height}, libvips ${sharp.versions.vips}`;
});
if (failures.length > 0) {
  console.log(`native modules that do not load on ${process.version}: ${failures.join(', ')}`);
  process.exit(1);
}
