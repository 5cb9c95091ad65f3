import { readJson, writeJson } from '../util/json-file.js';
import { kpiGroup, type Bounds, type Kpi } from './kpi.js';

export interface ThresholdChange { warning: Bounds | null; critical: Bounds | null }

/**
 * KPI thresholds changed at run time (from the web app) over the ones in the config file: kept
 * in `file` (JSON, written atomically) by KPI name, applied on top of the config's KPIs at every
 * read and after restarts. A KPI removed from the config drops its override.
 */
export class KpiThresholds {
  private overrides: Record<string, ThresholdChange>;

  constructor(private readonly o: { file: string; base: readonly Kpi[] }) {
    this.overrides = readJson<Record<string, ThresholdChange>>(o.file, {});
  }

  /** The config's KPIs with the changed thresholds applied. */
  kpis(): Kpi[] {
    return this.o.base.map((k) => {
      const t = this.overrides[k.name];
      if (!t) return k;
      const rest = { ...k };
      delete rest.warning;
      delete rest.critical;
      return { ...rest, ...(t.warning ? { warning: t.warning } : {}), ...(t.critical ? { critical: t.critical } : {}) };
    });
  }

  /**
   * Sets a KPI's thresholds (null removes a level). Throws, changing nothing, when the KPI is
   * unknown or the result is not a valid KPI (no threshold left, min not below max).
   */
  set(name: string, change: ThresholdChange): void {
    if (!this.o.base.some((k) => k.name === name)) throw new Error(`no KPI named "${name}"`);
    const next = { ...this.overrides, [name]: change };
    const previous = this.overrides;
    this.overrides = next;
    const { errors } = kpiGroup(this.kpis());
    if (errors.length > 0) {
      this.overrides = previous;
      throw new Error(errors.map((e) => e.replace(/^kpis\.\d+\./, '')).join('; '));
    }
    writeJson(this.o.file, next);
  }
}
