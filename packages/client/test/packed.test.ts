/**
 * The published package, as a client developer gets it: `pnpm pack`, `npm install` of the tarball
 * in an empty project outside the workspace, a strict `tsc` (deliberate mistakes must fail), and
 * plain `node` against a real server. The echo bot is built and run from it too.
 */
import { execFile as execFileCallback } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig, startServer, type RunningServer } from '@parley/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParleyClient } from '../src/index.ts';

const execFile = promisify(execFileCallback);
const here = import.meta.dirname;
const packageDir = path.join(here, '..');
const echoBotDir = path.join(here, '..', '..', '..', 'examples', 'echo-bot');
/** Packages a client must never pull in: the server's native and database dependencies. */
const SERVER_ONLY = [
  'argon2',
  'better-sqlite3',
  'better-sqlite3-multiple-ciphers',
  'sharp',
  'mongoose',
  'ioredis',
];

const STRICT = {
  target: 'ES2022',
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  lib: ['ES2023'],
  types: ['node'],
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  // As `tsc --init` sets it; the test below checks the package's declarations with it off.
  skipLibCheck: true,
  rewriteRelativeImportExtensions: true,
  outDir: 'dist',
};

let project: string;
let server: RunningServer;
let dataDir: string;

async function run(
  command: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number },
) {
  try {
    return await execFile(command, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      timeout: opts.timeout ?? 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', failed: e.code ?? 1 };
  }
}

const tsc = (args: string[]) =>
  run(process.execPath, [path.join(project, 'node_modules', 'typescript', 'bin', 'tsc'), ...args], {
    cwd: project,
  });

async function exists(file: string) {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** Every package directory under node_modules (scoped ones included, nested ones too). */
async function installedPackages(dir: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(modules: string) {
    for (const entry of await readdir(modules).catch(() => [] as string[])) {
      if (entry.startsWith('.')) continue;
      if (entry.startsWith('@')) {
        for (const scoped of await readdir(path.join(modules, entry))) {
          found.push(`${entry}/${scoped}`);
          await walk(path.join(modules, entry, scoped, 'node_modules'));
        }
      } else {
        found.push(entry);
        await walk(path.join(modules, entry, 'node_modules'));
      }
    }
  }
  await walk(path.join(dir, 'node_modules'));
  return found;
}

beforeAll(async () => {
  project = await mkdtemp(path.join(tmpdir(), 'parley-packed-'));
  const packs = path.join(project, 'packs');
  await mkdir(packs);
  const packed = await run('pnpm', ['pack', '--pack-destination', packs], {
    cwd: packageDir,
    timeout: 240_000,
  });
  if ('failed' in packed) throw new Error(`pnpm pack failed:\n${packed.stdout}\n${packed.stderr}`);
  const [tarball] = (await readdir(packs)).filter((f) => f.endsWith('.tgz'));
  await writeFile(
    path.join(project, 'package.json'),
    JSON.stringify({ name: 'my-parley-bot', private: true, type: 'module' }),
  );
  const installed = await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      path.join(packs, tarball!),
      'typescript@5.9.3',
      '@types/node@20',
    ],
    { cwd: project, timeout: 240_000 },
  );
  if ('failed' in installed)
    throw new Error(`npm install failed:\n${installed.stdout}\n${installed.stderr}`);
  await writeFile(
    path.join(project, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: STRICT, files: ['bot.ts'] }),
  );
  await cp(path.join(here, 'packed'), project, { recursive: true });

  dataDir = await mkdtemp(path.join(tmpdir(), 'parley-packed-server-'));
  server = await startServer(
    loadConfig({ NODE_ENV: 'test', PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }),
  );
}, 600_000);

afterAll(async () => {
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(project, { recursive: true, force: true });
});

describe('the packed @parley/client', () => {
  it('ships built JavaScript and one declaration file, and depends on no server package', async () => {
    const manifest = JSON.parse(
      await readFile(
        path.join(project, 'node_modules', '@parley', 'client', 'package.json'),
        'utf8',
      ),
    ) as {
      version: string;
      private?: boolean;
      dependencies: Record<string, string>;
      exports: unknown;
    };
    expect(manifest.version).toBe('0.1.0');
    expect(manifest.private).toBeUndefined();
    expect(Object.keys(manifest.dependencies).sort()).toEqual([
      '@trpc/client',
      '@trpc/server',
      'superjson',
      'ws',
    ]);
    expect(manifest.exports).toEqual({
      '.': { types: './dist/index.d.ts', import: './dist/index.js' },
    });
    const shipped = await readdir(path.join(project, 'node_modules', '@parley', 'client', 'dist'));
    expect(shipped.filter((f) => f.endsWith('.d.ts'))).toEqual(['index.d.ts']);
    expect(shipped.some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toBe(false);
    const declarations = await readFile(
      path.join(project, 'node_modules', '@parley', 'client', 'dist', 'index.d.ts'),
      'utf8',
    );
    const imported = [...declarations.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(imported.filter((m) => !/^@trpc\/(client|server)(\/|$)/.test(m!))).toEqual([]);

    const installed = await installedPackages(project);
    for (const name of SERVER_ONLY) expect(installed).not.toContain(name);
    expect(installed.filter((p) => p.startsWith('@parley/'))).toEqual(['@parley/client']);
  });

  it('type-checks a strict script (strict, exactOptionalPropertyTypes, noUncheckedIndexedAccess)', async () => {
    const result = await tsc(['-p', 'tsconfig.json']);
    expect('failed' in result ? `${result.stdout}${result.stderr}` : '').toBe('');
    expect(await exists(path.join(project, 'dist', 'bot.js'))).toBe(true);
  });

  it('has a declaration file without errors of its own (skipLibCheck off)', async () => {
    const config = path.join(project, 'tsconfig.libcheck.json');
    await writeFile(
      config,
      JSON.stringify({
        compilerOptions: { ...STRICT, skipLibCheck: false, noEmit: true },
        files: ['bot.ts'],
      }),
    );
    const result = await tsc(['-p', config]);
    const errors = `${result.stdout}`.split('\n').filter((line) => /error TS/.test(line));
    // tRPC's own declarations want the DOM library and @types/ws when checked: not this package's.
    expect(errors.filter((line) => !line.startsWith('node_modules/@trpc/'))).toEqual([]);
  });

  it("compiles the README's quick-start bot as it stands", async () => {
    const readme = await readFile(path.join(packageDir, '..', '..', 'README.md'), 'utf8');
    const quickStart = readme.slice(readme.indexOf('From an empty directory to a typed bot'));
    const bot = /```ts\n([\s\S]*?)```/.exec(quickStart)?.[1];
    expect(bot).toContain("from '@parley/client'");
    await writeFile(path.join(project, 'readme-bot.ts'), bot!);
    const config = path.join(project, 'tsconfig.readme.json');
    await writeFile(
      config,
      JSON.stringify({ compilerOptions: { ...STRICT, noEmit: true }, files: ['readme-bot.ts'] }),
    );
    const result = await tsc(['-p', config]);
    expect('failed' in result ? `${result.stdout}${result.stderr}` : '').toBe('');
  });

  it('rejects each deliberate mistake at compile time', async () => {
    const mistakes = await readdir(path.join(project, 'mistakes'));
    expect(mistakes.length).toBeGreaterThanOrEqual(6);
    for (const file of mistakes) {
      const config = path.join(project, `tsconfig.${file}.json`);
      await writeFile(
        config,
        JSON.stringify({
          compilerOptions: { ...STRICT, noEmit: true },
          files: [`mistakes/${file}`],
        }),
      );
      const result = await tsc(['-p', config]);
      expect('failed' in result, `${file} compiled, but it is a mistake`).toBe(true);
      // Only the mistake itself is reported (the library has no errors of its own).
      expect(`${result.stdout}`).toMatch(
        new RegExp(`^mistakes/${file.replace('.', '\\.')}\\(\\d+,\\d+\\): error TS`, 'm'),
      );
      expect(`${result.stdout}`).not.toMatch(/node_modules/);
    }
    // Six runs of tsc: about 15 s on an idle 2-core machine, over a minute while CI runs every
    // suite at once. A hang still fails.
  }, 180_000);

  it('runs with plain node: signs up, sends and receives (WebSocket and SSE), typed errors', async () => {
    const result = await run(process.execPath, ['dist/bot.js'], {
      cwd: project,
      env: { PARLEY_URL: server.url },
      timeout: 30_000,
    });
    expect('failed' in result ? result.stderr : '').toBe('');
    const report = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(report).toEqual({
      received: ['hello from a packed client', 'hello over sse'],
      createdAtIsDate: true,
      errorCode: 'BAD_REQUEST',
      fieldErrors: { clientMessageId: ['clientMessageId must be 8 to 64 characters.'] },
      carolTransport: 'sse',
    });
  });

  it('builds and runs the echo bot from the packed client', async () => {
    const botDir = path.join(project, 'echo-bot');
    await mkdir(botDir);
    await cp(path.join(echoBotDir, 'src'), path.join(botDir, 'src'), {
      recursive: true,
      filter: (file) => !file.endsWith('.test.ts'),
    });
    await writeFile(
      path.join(botDir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { ...STRICT, rootDir: 'src', typeRoots: ['../node_modules/@types'] },
        include: ['src'],
      }),
    );
    const built = await tsc(['-p', path.join(botDir, 'tsconfig.json')]);
    expect('failed' in built ? `${built.stdout}${built.stderr}` : '').toBe('');

    const botAccount = createParleyClient({ url: server.url });
    await botAccount.signup({
      username: 'packed_echo_bot',
      email: 'packed_echo_bot@example.com',
      password: 'bot password 12345',
    });
    botAccount.close();
    const { spawn } = await import('node:child_process');
    const bot = spawn(process.execPath, ['dist/main.js'], {
      cwd: botDir,
      env: {
        ...process.env,
        PARLEY_URL: server.url,
        PARLEY_LOGIN: 'packed_echo_bot',
        PARLEY_PASSWORD: 'bot password 12345',
      },
    });
    let output = '';
    bot.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    bot.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const human = createParleyClient({ url: server.url });
    try {
      await human.signup({
        username: 'packed_human',
        email: 'packed_human@example.com',
        password: 'human password 12345',
      });
      const deadline = Date.now() + 20_000;
      while (!output.includes('signed in as @packed_echo_bot') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(output).toContain('signed in as @packed_echo_bot');
      const replies: string[] = [];
      const events = await human.subscribe(({ data }) => {
        if (data.type === 'message.new' && data.message.text.startsWith('echo:'))
          replies.push(data.message.text);
      });
      const [botUser] = await human.trpc.users.search.query({ q: 'packed_echo_bot' });
      await human.trpc.chat.send.mutate({
        to: botUser!.id,
        text: 'ping from the packed test',
        clientMessageId: 'packed-echo-ping',
      });
      while (replies.length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(replies).toEqual(['echo: ping from the packed test']);
      events.unsubscribe();
    } finally {
      human.close();
      bot.kill('SIGINT');
    }
  });
});
