import type { QueryData } from '../../api/types';
import { Empty } from '../../components/status';
import { seriesLabel } from '../../lib/series';

/** An instant query's result: one row per series (labels and value), or the scalar/string. */
export function ResultTable({ data }: { data: QueryData }) {
  if (data.resultType === 'scalar' || data.resultType === 'string') {
    return <table className="data"><tbody><tr><th scope="row">{data.resultType}</th><td className="num">{data.result[1]}</td></tr></tbody></table>;
  }
  if (data.result.length === 0) return <Empty>No series.</Empty>;
  return (
    <table className="data">
      <thead><tr><th>Series</th><th className="num">Value</th></tr></thead>
      <tbody>
        {data.resultType === 'vector'
          ? data.result.map((s) => <tr key={seriesLabel(s.metric)}><td className="mono">{seriesLabel(s.metric)}</td><td className="num">{s.value[1]}</td></tr>)
          : data.result.map((s) => (
            <tr key={seriesLabel(s.metric)}>
              <td className="mono">{seriesLabel(s.metric)}</td>
              <td className="num">{s.values.map(([t, v]) => `${v} @${t}`).join('\n')}</td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}
