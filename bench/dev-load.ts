import { sendAll, workloadBodies } from './load.js';
import { startOurs, stop } from './targets.js';
const dir = process.argv[2]!;
const { bodies } = workloadBodies(10_000, 1440);
const t = await startOurs(dir);
console.log('failed', await sendAll(t.writeUrl, bodies));
await t.drain();
await stop(t.proc);
