/** One saved version of a dashboard. `spec` is the dashboard's JSON (validated by the API, opaque here). */
export interface DashboardVersion {
  readonly id: string;
  /** 1 for the first save, one more for each later save (a deletion is a version too). */
  readonly version: number;
  readonly title: string;
  readonly spec: unknown;
  /** Unix ms. */
  readonly updatedAt: number;
  readonly deleted: boolean;
}

/** Dashboards kept server-side with every version (never overwritten). */
export interface DashboardsStorage {
  /** The newest version of each dashboard that is not deleted, without specs, by title. */
  dashboards(tenant: string): Promise<Omit<DashboardVersion, 'spec'>[]>;
  /** A dashboard at `version`, or its newest version; deleted ones only when a version is asked for. */
  dashboard(tenant: string, id: string, version?: number): Promise<DashboardVersion | undefined>;
  /** Every version of a dashboard, newest first, without specs. */
  dashboardVersions(tenant: string, id: string): Promise<Omit<DashboardVersion, 'spec'>[]>;
  /** Stores a version (the caller numbers it); a second version of the same number is dropped, not stored. */
  saveDashboard(tenant: string, v: DashboardVersion): Promise<void>;
}
