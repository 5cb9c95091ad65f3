import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/server.js';
import { eventually } from '../../test/wait.js';

// AI agent and model monitoring: model calls and agent runs arrive as analytics events and as
// OpenTelemetry GenAI spans, and come back as success rates, latency percentiles, tokens per
// model and error rates per agent.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer('batcher:\n  flush_interval: 50ms\n');
  const t = (s: number) => new Date(Date.now() - 60_000 + s * 1000).toISOString();
  const gen = (model: string, latency: number, error: boolean) => ({ event: '$ai_generation', distinct_id: 'bot', timestamp: t(1), properties: { $ai_model: model, $ai_latency: latency, $ai_input_tokens: 100, $ai_output_tokens: 20, $ai_is_error: error } });
  const batch = [
    gen('gpt-x', 0.5, false), gen('gpt-x', 1.5, false), gen('gpt-x', 3, true),
    { event: 'agent_start', distinct_id: 'bot', timestamp: t(0), properties: { agent: 'planner' } },
    { event: 'agent_complete', distinct_id: 'bot', timestamp: t(5), properties: { agent: 'planner', duration: 5 } },
    { event: 'agent_start', distinct_id: 'bot', timestamp: t(6), properties: { agent: 'planner' } },
    { event: 'agent_error', distinct_id: 'bot', timestamp: t(8), properties: { agent: 'planner', duration: 2 } },
  ];
  expect((await fetch(`${server.url}/batch`, { method: 'POST', body: JSON.stringify({ batch }) })).status).toBe(200);
  const ns = (s: number) => String(BigInt(Date.now() - 60_000 + s * 1000) * 1_000_000n);
  const attr = (key: string, value: string | number) => ({ key, value: typeof value === 'number' ? { intValue: value } : { stringValue: value } });
  const spans = [
    { traceId: '11111111111111111111111111111111', spanId: '1111111111111111', name: 'invoke_agent researcher', kind: 1, startTimeUnixNano: ns(0), endTimeUnixNano: ns(4), attributes: [attr('gen_ai.operation.name', 'invoke_agent'), attr('gen_ai.agent.name', 'researcher')] },
    { traceId: '11111111111111111111111111111111', spanId: '2222222222222222', parentSpanId: '1111111111111111', name: 'chat claude-y', kind: 3, startTimeUnixNano: ns(1), endTimeUnixNano: ns(3), attributes: [attr('gen_ai.operation.name', 'chat'), attr('gen_ai.request.model', 'claude-y'), attr('gen_ai.usage.input_tokens', 300), attr('gen_ai.usage.output_tokens', 50)] },
    { traceId: '11111111111111111111111111111111', spanId: '3333333333333333', parentSpanId: '1111111111111111', name: 'chat claude-y', kind: 3, startTimeUnixNano: ns(3), endTimeUnixNano: ns(4), attributes: [attr('gen_ai.request.model', 'claude-y')], status: { code: 2 } },
  ];
  const res = await fetch(`${server.url}/v1/traces`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ resourceSpans: [{ resource: { attributes: [attr('service.name', 'agents')] }, scopeSpans: [{ spans }] }] }) });
  expect(res.status).toBe(200);
});
afterAll(async () => { await server.cleanup(); });

const get = async (path: string) => ((await (await fetch(`${server.url}${path}`)).json()) as { data: unknown }).data;

describe('AI monitoring', () => {
  it('reports calls, success rate, latency and tokens per model from events and GenAI spans', async () => {
    type Model = { model: string; calls: number; errors: number; successRate: number; latency: { p50: number; p99: number }; inputTokens: number; outputTokens: number };
    const models = await eventually(async () => (await get('/api/v1/ai/models')) as Model[], (r) => r.length === 2, 'both models');
    const gpt = models.find((m) => m.model === 'gpt-x')!;
    expect(gpt).toMatchObject({ calls: 3, errors: 1, inputTokens: 300, outputTokens: 60 });
    expect(gpt.successRate).toBeCloseTo(2 / 3);
    expect(gpt.latency.p50).toBeCloseTo(1.5);
    const claude = models.find((m) => m.model === 'claude-y')!;
    expect(claude).toMatchObject({ calls: 2, errors: 1, inputTokens: 300, outputTokens: 50, successRate: 0.5 });
    expect(claude.latency.p99).toBeGreaterThan(1.9);
  });

  it('reports runs, error rate and duration per agent', async () => {
    type Agent = { agent: string; started: number; completed: number; errors: number; errorRate: number; duration: { p50: number } };
    const agents = await eventually(async () => (await get('/api/v1/ai/agents')) as Agent[], (r) => r.length === 2, 'both agents');
    expect(agents.find((a) => a.agent === 'planner')).toMatchObject({ started: 2, completed: 1, errors: 1, errorRate: 0.5 });
    expect(agents.find((a) => a.agent === 'researcher')).toMatchObject({ started: 1, completed: 1, errors: 0, errorRate: 0 });
    expect(agents.find((a) => a.agent === 'researcher')!.duration.p50).toBeCloseTo(4);
  });
});
