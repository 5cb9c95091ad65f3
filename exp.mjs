import { Session } from 'chdb';
const s = new Session('/tmp/exp1');
const q = async (t) => { try { const r = await s.queryAsync(t, { format: 'TabSeparated' }); return Buffer.from(r.bytes()).toString(); } catch (e) { return 'ERR ' + String(e).slice(0, 300); } };
console.log(await q(`CREATE TABLE IF NOT EXISTS logs (tenant LowCardinality(String), Timestamp DateTime64(9) CODEC(Delta(8), ZSTD(1)), Body String CODEC(ZSTD(1)), LogAttributes Map(LowCardinality(String), String),
 INDEX idx_body lower(Body) TYPE text(tokenizer = 'splitByNonAlpha'),
 INDEX idx_attr_keys mapKeys(LogAttributes) TYPE bloom_filter(0.01) GRANULARITY 1)
 ENGINE = MergeTree PARTITION BY toDate(Timestamp) ORDER BY (tenant, toStartOfFiveMinutes(Timestamp), Timestamp) SETTINGS ttl_only_drop_parts = 1`));
console.log(await q(`CREATE TABLE IF NOT EXISTS spans (tenant LowCardinality(String), Timestamp DateTime64(9), Events Nested(Timestamp DateTime64(9), Name LowCardinality(String), Attributes Map(LowCardinality(String), String))) ENGINE = MergeTree ORDER BY (tenant, Timestamp)`));
console.log(await q(`INSERT INTO logs VALUES ('default', now64(9), 'Hello World foo-bar', {'a':'b'})`));
console.log(await q(`SELECT count() FROM logs WHERE hasToken(lower(Body), 'world')`));
console.log(await q(`SELECT count() FROM logs WHERE hasAllTokens(lower(Body), ['hello','foo'])`));
console.log(await q(`SELECT count() FROM logs WHERE hasAnyTokens(lower(Body), 'world zzz')`));
console.log(await q(`DESCRIBE TABLE spans`));
console.log(await q(`SELECT version()`));
