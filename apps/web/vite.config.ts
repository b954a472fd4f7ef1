import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { constants } from 'node:zlib';
import { defineConfig } from 'vite';
import { compression, defineAlgorithm } from 'vite-plugin-compression2';

/** The API server `pnpm dev` proxies to (start it with PORT=3100). */
const apiTarget = process.env.PARLEY_API ?? 'http://127.0.0.1:3100';

const src = (file: string) => fileURLToPath(new URL(`./src/${file}`, import.meta.url));

type ModuleGraph = { getModuleInfo(id: string): { importedIds: string[] } | null };

/** The modules `roots` import, directly or not (static imports only). */
function staticClosure(graph: ModuleGraph, roots: string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    for (const next of graph.getModuleInfo(id)?.importedIds ?? []) visit(next);
  };
  roots.forEach(visit);
  return seen;
}

/**
 * The chat's first chunk: SignedIn.tsx and everything it imports, but what the signed-out app
 * loads too (React, tRPC, the session). Left to itself, rolldown cuts out each module that a lazy
 * screen or dialog also uses as a chunk of its own: one more request each on the first load.
 */
function signedInChunk() {
  let members: Set<string> | null = null;
  const membersOf = (graph: ModuleGraph) => {
    const signedOut = staticClosure(graph, [
      src('main.tsx'),
      src('root.tsx'),
      src('auth/AuthScreen.tsx'),
    ]);
    const all = staticClosure(graph, [src('app/SignedIn.tsx')]);
    return new Set([...all].filter((id) => !signedOut.has(id)));
  };
  return {
    name: (id: string, graph: ModuleGraph) =>
      (members ??= membersOf(graph)).has(id) ? 'SignedIn' : null,
    // Not what they import too: that is the signed-out app's part, or is in `members` already.
    includeDependenciesRecursively: false,
  };
}

export default defineConfig({
  plugins: [
    react(),
    tailwindcss(),
    // Precompressed copies beside every text asset (x.js.br, x.js.gz) for the server to send
    // as they are, at the highest levels (they are made once, at build time).
    compression({
      include: /\.(js|css|html|svg|json|txt)$/,
      threshold: 512,
      algorithms: [
        defineAlgorithm('brotliCompress', { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        defineAlgorithm('gzip', { level: 9 }),
      ],
    }),
  ],
  build: {
    target: 'es2022',
    sourcemap: false,
    rolldownOptions: { output: { codeSplitting: { groups: [signedInChunk()] } } },
  },
  server: {
    proxy: { '/trpc': { target: apiTarget, ws: true, changeOrigin: false } },
  },
});
