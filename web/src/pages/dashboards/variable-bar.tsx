import { useApi } from '../../api/fetch';
import type { DashboardSpec } from '../../api/types';

type Variable = NonNullable<DashboardSpec['variables']>[number];

function VariableSelect({ v, value, onChange }: { v: Variable; value: string; onChange: (value: string) => void }) {
  const values = useApi<string[]>(`/api/v1/label/${encodeURIComponent(v.label)}/values`, { 'match[]': v.match ? [v.match] : undefined });
  return (
    <label className="inline">{v.name}
      <select aria-label={`variable ${v.name}`} value={value} onChange={(e) => { onChange(e.target.value); }}>
        {value === '' && <option value="">—</option>}
        {[...new Set([...(values.data ?? []), ...(value ? [value] : [])])].map((x) => <option key={x}>{x}</option>)}
      </select>
    </label>
  );
}

/** A select per dashboard variable, listing its label's values. */
export function VariableBar({ variables, values, onChange }: { variables: Variable[]; values: Record<string, string>; onChange: (name: string, value: string) => void }) {
  return <div className="filters variables">{variables.map((v) => <VariableSelect key={v.name} v={v} value={values[v.name] ?? ''} onChange={(x) => { onChange(v.name, x); }} />)}</div>;
}
