import { createServices, redisLimiterFactory, type ServicesOptions } from '@parley/api';
import { createLocalBus, createRedisBus, createRedisPresenceRegistry, type Bus } from '@parley/bus';
import { BlobKeyError, DatabaseKeyError, openBlobStore, openStore } from '@parley/db';
import { buildApp } from './app.ts';
import { ConfigError, type Config } from './config.ts';
import {
  developmentEncryptionKeyFile,
  loadEncryptionKey,
  loadSigningKeys,
  loadVapidKeys,
} from './keys.ts';

/**
 * Connections the kernel may hold for accept(). Node's default, 511, overflowed when 2,000
 * clients reconnected at once (bench #4): the dropped SYNs were retried after 1, 2, 4, 8 s.
 * The kernel caps it at `net.core.somaxconn` (4,096 on current Linux).
 */
const LISTEN_BACKLOG = 4096;

/** Test and embedding hooks; production uses none of them. */
export type ServerOverrides = Partial<
  Pick<ServicesOptions, 'now' | 'rateLimits' | 'accessTokenTtlSeconds' | 'linkPreviews'>
>;

export interface RunningServer {
  url: string;
  app: Awaited<ReturnType<typeof buildApp>>;
  /** Drains: stops accepting, closes sockets with a reconnect code, finishes requests, closes the store. */
  close(): Promise<void>;
}

/**
 * One process: the in-process bus, presence and rate limits in memory. With REDIS_URL: the Redis
 * bus, and presence and rate limits shared by every process through Redis.
 */
async function openScaleOut(config: Config, onError: (error: unknown) => void) {
  if (!config.redisUrl)
    return { bus: createLocalBus() as Bus, presenceRegistry: null, limiterFactory: null };
  const bus = await createRedisBus(config.redisUrl, { onError });
  return {
    bus: bus as Bus,
    presenceRegistry: createRedisPresenceRegistry({ redis: bus.redis, onError }),
    limiterFactory: redisLimiterFactory(bus.redis),
  };
}

/** A key that does not open the data stops the start like a bad setting, with a readable message. */
function wrongKeyReporter(config: Config) {
  return (error: unknown): never => {
    if (!(error instanceof DatabaseKeyError || error instanceof BlobKeyError)) throw error;
    const used = config.encryptionKey
      ? ''
      : ` (ENCRYPTION_KEY is unset: the development key in ${developmentEncryptionKeyFile(config.dataDir)} was used)`;
    throw new ConfigError(`Invalid configuration:\n  ENCRYPTION_KEY: ${error.message}${used}`, {
      cause: error,
    });
  };
}

/** Opens the store and the bus, builds the app and listens. */
export async function startServer(
  config: Config,
  overrides: ServerOverrides = {},
): Promise<RunningServer> {
  const encryptionKey = await loadEncryptionKey(config);
  const wrongKey = wrongKeyReporter(config);
  const store = await openStore(config.databaseUrl, {
    encryptionKey,
    synchronous: config.sqliteSynchronous,
  }).catch(wrongKey);
  const blobs = await openBlobStore(config.databaseUrl, config.dataDir, encryptionKey).catch(
    async (error: unknown) => {
      await store.close();
      return wrongKey(error);
    },
  );
  let log: (error: unknown) => void = (error) => console.error(error);
  const onError = (error: unknown) => log(error);
  const { bus, presenceRegistry, limiterFactory } = await openScaleOut(config, onError);
  const services = await createServices({
    store,
    bus,
    blobs,
    onError,
    signingKeys: await loadSigningKeys(config),
    ...(presenceRegistry ? { presenceRegistry } : {}),
    ...(limiterFactory ? { limiterFactory } : {}),
    groupMaxMembers: config.groupMaxMembers,
    editWindowMs: config.editWindowMs,
    fileLimits: config.fileLimits,
    push: {
      vapid: await loadVapidKeys(config),
      allowInsecureEndpoints: config.allowInsecurePushEndpoints,
    },
    adminUsernames: config.adminUsernames,
    linkPreviews: config.linkPreviews,
    ...overrides,
    rateLimits: { ...config.rateLimits, ...overrides.rateLimits },
  });
  const app = await buildApp(config, services);
  log = (error) => app.log.error({ err: error }, 'background task failed');
  await presenceRegistry?.start();
  await app.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    app,
    close() {
      closing ??= (async () => {
        // In-flight calls answer, then sockets close with 1012 and their presence is written.
        await app.drain();
        services.typing.stop();
        await services.push.stop();
        services.hub.stop();
        await app.close();
        // Other processes learn at once that this process's sockets are gone.
        await presenceRegistry?.close();
        await bus.close();
        await store.close();
        await blobs.close();
      })();
      return closing;
    },
  };
}
