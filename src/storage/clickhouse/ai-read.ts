import type { AgentStats, AiReader, ModelStats, TimeRange } from '../interface.js';
import type { ChConnection } from './connection.js';
import { jsonRows } from './json-rows.js';
import { database, ident, param, sql, type Fragment } from './sql.js';

/**
 * AI agent and model monitoring over product events and spans alike: model calls are
 * `$ai_generation` events (PostHog's LLM-analytics properties `$ai_model`, `$ai_latency` in
 * seconds, `$ai_input_tokens`, `$ai_output_tokens`, `$ai_is_error`) and spans with OpenTelemetry
 * GenAI attributes (`gen_ai.request.model`, `gen_ai.usage.input_tokens`, …); agent runs are
 * `agent_start` / `agent_complete` / `agent_error` events (`agent`, `duration` in seconds) and
 * `invoke_agent` spans (`gen_ai.agent.name`).
 */
export class AiRead implements AiReader {
  constructor(private readonly conn: ChConnection, private readonly db: string) {}

  private rows<T>(q: Fragment): Promise<T[]> {
    return jsonRows<T>(this.conn, q);
  }

  private where(tenant: string, range: TimeRange): Fragment {
    return sql`${ident('tenant')} = ${param('String', tenant)} AND ${ident('Timestamp')} >= fromUnixTimestamp64Milli(${param('Int64', range.start)}) AND ${ident('Timestamp')} <= fromUnixTimestamp64Milli(${param('Int64', range.end)})`;
  }

  async aiModels(tenant: string, range: TimeRange): Promise<ModelStats[]> {
    const attr = (k: string) => sql`${ident('SpanAttributes')}[${param('String', k)}]`;
    const rows = await this.rows<{ model: string; calls: string; errors: string; q: number[]; input: number; output: number }>(sql`
SELECT model, count() AS calls, countIf(failed) AS errors, quantiles(0.5, 0.95, 0.99)(latency) AS q, sum(input) AS input, sum(output) AS output FROM (
  SELECT JSONExtractString(Properties, '$ai_model') AS model, JSONExtractFloat(Properties, '$ai_latency') AS latency,
    JSONExtractFloat(Properties, '$ai_input_tokens') AS input, JSONExtractFloat(Properties, '$ai_output_tokens') AS output, JSONExtractBool(Properties, '$ai_is_error') AS failed
  FROM ${database(this.db)}.${ident('events')} WHERE ${this.where(tenant, range)} AND ${ident('Event')} = '$ai_generation'
  UNION ALL
  SELECT if(${attr('gen_ai.request.model')} != '', ${attr('gen_ai.request.model')}, ${attr('gen_ai.response.model')}) AS model, Duration / 1e9 AS latency,
    toFloat64OrZero(${attr('gen_ai.usage.input_tokens')}) AS input, toFloat64OrZero(${attr('gen_ai.usage.output_tokens')}) AS output, StatusCode = 'Error' AS failed
  FROM ${database(this.db)}.${ident('spans')} WHERE ${this.where(tenant, range)}
    AND (${attr('gen_ai.request.model')} != '' OR ${attr('gen_ai.response.model')} != '') AND ${attr('gen_ai.operation.name')} != 'invoke_agent'
) GROUP BY model ORDER BY calls DESC, model`);
    return rows.map((r) => {
      const calls = Number(r.calls);
      const errors = Number(r.errors);
      return { model: r.model, calls, errors, successRate: calls ? (calls - errors) / calls : 0, latency: { p50: r.q[0] ?? 0, p95: r.q[1] ?? 0, p99: r.q[2] ?? 0 }, inputTokens: r.input, outputTokens: r.output };
    });
  }

  async aiAgents(tenant: string, range: TimeRange): Promise<AgentStats[]> {
    const attr = (k: string) => sql`${ident('SpanAttributes')}[${param('String', k)}]`;
    const rows = await this.rows<{ agent: string; started: string; completed: string; errors: string; q: number[] }>(sql`
SELECT agent, countIf(kind = 'start') AS started, countIf(kind = 'complete') AS completed, countIf(kind = 'error') AS errors,
  quantilesIf(0.5, 0.95, 0.99)(duration, kind != 'start') AS q FROM (
  SELECT JSONExtractString(Properties, 'agent') AS agent, replaceOne(Event, 'agent_', '') AS kind, JSONExtractFloat(Properties, 'duration') AS duration
  FROM ${database(this.db)}.${ident('events')} WHERE ${this.where(tenant, range)} AND ${ident('Event')} IN ('agent_start', 'agent_complete', 'agent_error')
  UNION ALL
  SELECT ${attr('gen_ai.agent.name')} AS agent, arrayJoin(['start', if(StatusCode = 'Error', 'error', 'complete')]) AS kind, Duration / 1e9 AS duration
  FROM ${database(this.db)}.${ident('spans')} WHERE ${this.where(tenant, range)} AND ${attr('gen_ai.operation.name')} = 'invoke_agent'
) GROUP BY agent ORDER BY agent`);
    return rows.map((r) => {
      const completed = Number(r.completed);
      const errors = Number(r.errors);
      return { agent: r.agent, started: Number(r.started), completed, errors, errorRate: completed + errors ? errors / (completed + errors) : 0, duration: { p50: r.q[0] ?? 0, p95: r.q[1] ?? 0, p99: r.q[2] ?? 0 } };
    });
  }
}
