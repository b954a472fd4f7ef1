/**
 * docs/wire-protocol.md is true: its curl and Python examples (Python's standard library only) run
 * against a real server and check what they get, and its close-code table is the server's.
 */
import { execFile as execFileCallback } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CLOSE_CODES, LIMIT_CLOSE_CODES } from '@parley/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.ts';

const execFile = promisify(execFileCallback);
const DOC = path.join(import.meta.dirname, '..', '..', '..', 'docs', 'wire-protocol.md');

/** The doc's fenced code blocks of one language, in order. */
function blocks(markdown: string, language: string): string[] {
  return [...markdown.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)]
    .filter((m) => m[1] === language)
    .map((m) => m[2]!);
}

let server: TestServer;
let doc: string;
let workDir: string;
beforeAll(async () => {
  server = await startTestServer();
  doc = await readFile(DOC, 'utf8');
  workDir = await mkdtemp(path.join(tmpdir(), 'parley-wire-'));
});
afterAll(async () => {
  await server.destroy();
  await rm(workDir, { recursive: true, force: true });
});

async function run(command: string, args: string[]) {
  const { stdout, stderr } = await execFile(command, args, {
    cwd: workDir,
    env: { ...process.env, PARLEY_URL: server.url },
    timeout: 60_000,
  });
  return { stdout, stderr };
}

describe('docs/wire-protocol.md', () => {
  it('its curl examples get what it says', async () => {
    const [script] = blocks(doc, 'sh');
    expect(script).toContain('curl');
    await writeFile(path.join(workDir, 'curl.sh'), script!);
    const { stdout } = await run('bash', ['-euo', 'pipefail', 'curl.sh']);
    const lines = stdout.split('\n');
    // auth.me: the user, with a Date in meta.
    const me = JSON.parse(lines[0]!) as {
      result: { data: { json: { username: string }; meta: { values: Record<string, string[]> } } };
    };
    expect(me.result.data.json.username).toMatch(/^curl_\d+$/);
    expect(me.result.data.meta.values).toEqual({ createdAt: ['Date'] });
    // users.search: an empty list.
    expect(JSON.parse(lines[1]!)).toEqual({ result: { data: { json: [] } } });
    // The error, typed, with its status.
    expect(lines[2]).toMatch(/"data":\{"code":"UNAUTHORIZED","httpStatus":401,.* HTTP 401$/);
    // The batch: two answers, in order.
    const batch = JSON.parse(lines[3]!) as Array<{ result: { data: { json: unknown } } }>;
    expect(batch).toHaveLength(2);
    expect(batch[1]!.result.data.json).toEqual([]);
    // The event stream: connected, the snapshot, ready (each item with its id).
    expect(stdout).toMatch(/event: connected\ndata: \{"reconnectAfterInactivityMs":30000\}/);
    expect(stdout).toMatch(/data: \{"json":\{"type":"ready","lastEventId":"\d+"\}\}\nid: \d+/);
  });

  it('its Python examples run, with the standard library alone, and check what they get', async () => {
    const sections = blocks(doc, 'python');
    expect(sections).toHaveLength(3);
    await writeFile(path.join(workDir, 'client.py'), sections.join('\n\n'));
    // -I: isolated from user site-packages and PYTHON* variables: the standard library only.
    const { stdout } = await run('python3', ['-I', 'client.py']);
    expect(stdout.trim().split('\n')).toEqual(['http: ok', 'sse: ok', 'websocket: ok']);
  });

  it('lists the close codes the server uses, and only those', () => {
    const table = doc.slice(doc.indexOf('### Close codes'), doc.indexOf('## Examples'));
    const documented = [...table.matchAll(/^\| `(\d{4})`/gm)]
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    const used = [...Object.values(CLOSE_CODES), ...Object.values(LIMIT_CLOSE_CODES)].sort(
      (a, b) => a - b,
    );
    expect(documented).toEqual(used);
  });
});
