import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { parseTestFile } from './runner.js';

const dir = new URL('../testdata/', import.meta.url);

for (const file of readdirSync(dir).filter((f) => f.endsWith('.test')).sort()) {
  describe(`promqltest ${file}`, () => {
    for (const c of parseTestFile(readFileSync(new URL(file, dir), 'utf8'))) {
      it(`line ${c.line}: ${c.text}`, () => c.run());
    }
  });
}
