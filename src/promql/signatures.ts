import type { ValueType } from './ast.js';

/** A function's argument and return types, as Prometheus declares them (promql/parser/functions.go). */
export interface Signature {
  args: ValueType[];
  /** How many trailing arguments may be left out. */
  optional: number;
  /** The last argument may repeat. */
  variadic: boolean;
  returns: ValueType;
}

const v = (args: ValueType[], returns: ValueType = 'vector', optional = 0, variadic = false): Signature => ({ args, returns, optional, variadic });

const MATH = ['abs', 'ceil', 'floor', 'exp', 'sqrt', 'ln', 'log2', 'log10', 'sgn', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'cos', 'cosh', 'sin', 'sinh', 'tan', 'tanh', 'deg', 'rad'];
const OVER_TIME = ['avg_over_time', 'min_over_time', 'max_over_time', 'sum_over_time', 'count_over_time', 'last_over_time', 'present_over_time', 'stddev_over_time', 'stdvar_over_time', 'absent_over_time', 'mad_over_time'];
const RANGE = ['rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'changes', 'resets'];
const DATE = ['day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'hour', 'minute', 'month', 'year'];

export const SIGNATURES: Readonly<Record<string, Signature>> = {
  ...Object.fromEntries(MATH.map((f) => [f, v(['vector'])])),
  ...Object.fromEntries(OVER_TIME.map((f) => [f, v(['matrix'])])),
  ...Object.fromEntries(RANGE.map((f) => [f, v(['matrix'])])),
  ...Object.fromEntries(DATE.map((f) => [f, v(['vector'], 'vector', 1)])),
  absent: v(['vector']),
  clamp: v(['vector', 'scalar', 'scalar']),
  clamp_max: v(['vector', 'scalar']),
  clamp_min: v(['vector', 'scalar']),
  histogram_quantile: v(['scalar', 'vector']),
  holt_winters: v(['matrix', 'scalar', 'scalar']),
  double_exponential_smoothing: v(['matrix', 'scalar', 'scalar']),
  label_join: v(['vector', 'string', 'string', 'string'], 'vector', 1, true),
  label_replace: v(['vector', 'string', 'string', 'string', 'string']),
  pi: v([], 'scalar'),
  predict_linear: v(['matrix', 'scalar']),
  quantile_over_time: v(['scalar', 'matrix']),
  round: v(['vector', 'scalar'], 'vector', 1),
  scalar: v(['vector'], 'scalar'),
  sort: v(['vector']),
  sort_desc: v(['vector']),
  sort_by_label: v(['vector', 'string'], 'vector', 1, true),
  sort_by_label_desc: v(['vector', 'string'], 'vector', 1, true),
  time: v([], 'scalar'),
  timestamp: v(['vector']),
  vector: v(['scalar']),
};
