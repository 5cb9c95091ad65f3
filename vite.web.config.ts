import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

// The web app (web/) is built into dist/web and served by the server at `/`. In development,
// `npx vite --config vite.web.config.ts` serves it with hot reload and proxies the APIs to a
// server on :9900.
/** Writes `.br` and `.gz` beside every text asset so the server sends them precompressed. */
function precompress(dir: string): Plugin {
  return {
    name: 'allseer-precompress',
    apply: 'build',
    closeBundle() {
      const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
      for (const file of walk(dir).filter((f) => /\.(js|css|html|svg|json)$/.test(f))) {
        const data = readFileSync(file);
        writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }));
        writeFileSync(`${file}.br`, brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
      }
    },
  };
}

const outDir = fileURLToPath(new URL('./dist/web', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  base: '/',
  plugins: [react(), precompress(outDir)],
  build: {
    outDir,
    emptyOutDir: true,
    // The Explore page's chunk holds the PromQL editor (CodeMirror) and is loaded only when opened.
    chunkSizeWarningLimit: 800,
    reportCompressedSize: false,
  },
  server: {
    proxy: Object.fromEntries(['/api', '/loki', '/v1', '/metrics', '/health'].map((p) => [p, 'http://127.0.0.1:9900'])),
  },
});
