import { pino } from 'pino';
import { loadConfig, type Config } from '../src/config/load.js';
import { start, type Running } from '../src/main.js';
import { tempDir } from './tmp.js';

export interface TestServer extends Running {
  url: string;
  config: Config;
  dataDir: string;
  /** Stops the server (if running) and removes its data directory. */
  cleanup: () => Promise<void>;
}

/**
 * Starts the real server in this process on a free loopback port. A fresh data directory is
 * made unless `dataDir` is given (to restart on the data of an earlier server).
 */
export async function startTestServer(yaml = '', opts: { dataDir?: string; env?: Record<string, string> } = {}): Promise<TestServer> {
  const dir = opts.dataDir ? { path: opts.dataDir, remove: () => undefined } : tempDir('server');
  const config = loadConfig({
    argv: yaml ? ['--config', 'test.yml'] : [],
    env: { HOST: '127.0.0.1', PORT: '0', DATA_DIR: dir.path, SELF_SCRAPE_INTERVAL: '0s', ...opts.env },
    readFile: () => yaml,
  });
  const running = await start(config, pino({ level: 'silent' }));
  return {
    ...running,
    url: running.address,
    config,
    dataDir: dir.path,
    cleanup: async () => {
      await running.stop();
      dir.remove();
    },
  };
}
