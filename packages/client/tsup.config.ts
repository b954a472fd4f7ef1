import { defineConfig } from 'tsup';

/**
 * The published build: ESM JavaScript and one `.d.ts`. Parley's workspace packages are bundled
 * into both (the client uses a few of `@parley/api/protocol`'s functions and the router's types
 * only), so the package needs none of the server's packages; tRPC, superjson and ws stay
 * dependencies.
 */
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  platform: 'neutral',
  target: 'es2022',
  sourcemap: true,
  clean: true,
  noExternal: [/^@parley\//],
  external: ['@trpc/client', '@trpc/server', 'superjson', 'ws'],
  dts: {
    // Mapped to their sources, the workspace packages' types are inlined (rollup-plugin-dts keeps
    // only what resolves through node_modules external); everything else stays an import.
    compilerOptions: {
      paths: {
        '@parley/api': ['../api/src/index.ts'],
        '@parley/api/protocol': ['../api/src/protocol.ts'],
        '@parley/db': ['../db/src/index.ts'],
        '@parley/bus': ['../bus/src/index.ts'],
      },
    },
  },
});
