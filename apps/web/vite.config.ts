import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { constants } from 'node:zlib';
import { defineConfig } from 'vite';
import { compression, defineAlgorithm } from 'vite-plugin-compression2';

/** The API server `pnpm dev` proxies to (start it with PORT=3100). */
const apiTarget = process.env.PARLEY_API ?? 'http://127.0.0.1:3100';

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
  build: { target: 'es2022', sourcemap: false },
  server: {
    proxy: { '/trpc': { target: apiTarget, ws: true, changeOrigin: false } },
  },
});
