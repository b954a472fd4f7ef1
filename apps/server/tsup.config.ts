import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/main.ts'],
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  clean: true,
  // Workspace packages are bundled, and with them their CommonJS dependencies, which call
  // `require` for Node built-ins: give ESM output a real one. Native addons (argon2,
  // better-sqlite3-multiple-ciphers) stay external: they are dependencies of this package for
  // that reason.
  noExternal: [/^@parley\//],
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});
