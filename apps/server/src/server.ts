import { CLOSE_CODES, createServices, type ServicesOptions } from '@parley/api';
import { createLocalBus, createRedisBus, type Bus } from '@parley/bus';
import { openStore } from '@parley/db';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { loadSigningKeys } from './keys.ts';

/** Test and embedding hooks; production uses none of them. */
export type ServerOverrides = Partial<Pick<ServicesOptions, 'now' | 'rateLimits' | 'accessTokenTtlSeconds'>>;

export interface RunningServer {
  url: string;
  app: Awaited<ReturnType<typeof buildApp>>;
  /** Drains: stops accepting, closes sockets with a reconnect code, finishes requests, closes the store. */
  close(): Promise<void>;
}

async function openBus(config: Config): Promise<Bus> {
  if (!config.redisUrl) return createLocalBus();
  return createRedisBus(config.redisUrl);
}

/** Opens the store and the bus, builds the app and listens. */
export async function startServer(config: Config, overrides: ServerOverrides = {}): Promise<RunningServer> {
  const store = await openStore(config.databaseUrl);
  const bus = await openBus(config);
  let log: (error: unknown) => void = (error) => console.error(error);
  const services = await createServices({
    store,
    bus,
    onError: (error) => log(error),
    signingKeys: await loadSigningKeys(config),
    ...overrides,
    rateLimits: { ...config.rateLimits, ...overrides.rateLimits },
  });
  const app = await buildApp(config, services);
  log = (error) => app.log.error({ err: error }, 'background task failed');
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    app,
    close() {
      closing ??= (async () => {
        for (const socket of app.websocketServer.clients) socket.close(CLOSE_CODES.serverRestart, 'server restarting');
        services.typing.stop();
        await app.close();
        await bus.close();
        await store.close();
      })();
      return closing;
    },
  };
}
