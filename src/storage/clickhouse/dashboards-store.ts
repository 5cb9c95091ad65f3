import type { DashboardsStorage, DashboardVersion } from '../interface.js';
import { ByteWriter } from '../byte-writer.js';
import type { ChConnection } from './connection.js';
import { jsonRows } from './json-rows.js';
import { database, ident, param, sql, type Fragment } from './sql.js';

const COLUMNS = ['tenant', 'Id', 'Version', 'Title', 'Spec', 'Deleted', 'UpdatedAt'];
const STRUCTURE = 'tenant String, Id String, Version UInt32, Title String, Spec String, Deleted UInt8, UpdatedAt DateTime64(3)';

/** As JSONEachRow writes it: UInt32 and UInt8 as numbers, the Int64 time as a string. */
interface Row { Id: string; Version: number; Title: string; Deleted: number; UpdatedAt: string; Spec?: string }

function toVersion(r: Row): Omit<DashboardVersion, 'spec'> {
  return { id: r.Id, version: r.Version, title: r.Title, deleted: r.Deleted === 1, updatedAt: Number(r.UpdatedAt) };
}

/** Dashboards in the `dashboards` table: one row per saved version. */
export class DashboardsStore implements DashboardsStorage {
  constructor(private readonly conn: ChConnection, private readonly db: string) {}

  private get table(): Fragment {
    return sql`${database(this.db)}.${ident('dashboards')}`;
  }

  private rows<T = Row>(q: Fragment): Promise<T[]> {
    return jsonRows<T>(this.conn, q);
  }

  async dashboards(tenant: string): Promise<Omit<DashboardVersion, 'spec'>[]> {
    // Aliases differ from the column names: ClickHouse would otherwise read argMax(Title, Version) as argMax(Title, max(Version)).
    const rows = await this.rows<{ Id: string; latest: number; title: string; gone: number; at: string }>(sql`
SELECT Id, max(Version) AS latest, argMax(Title, Version) AS title, argMax(Deleted, Version) AS gone, toUnixTimestamp64Milli(argMax(UpdatedAt, Version)) AS at
FROM ${this.table} WHERE ${ident('tenant')} = ${param('String', tenant)}
GROUP BY Id HAVING gone = 0 ORDER BY lower(title), Id`);
    return rows.map((r) => toVersion({ Id: r.Id, Version: r.latest, Title: r.title, Deleted: r.gone, UpdatedAt: r.at }));
  }

  async dashboard(tenant: string, id: string, version?: number): Promise<DashboardVersion | undefined> {
    const at = version === undefined ? sql`` : sql` AND ${ident('Version')} = ${param('UInt32', version)}`;
    const [r] = await this.rows(sql`
SELECT Id, Version, Title, Deleted, toUnixTimestamp64Milli(UpdatedAt) AS UpdatedAt, Spec
FROM ${this.table} WHERE ${ident('tenant')} = ${param('String', tenant)} AND ${ident('Id')} = ${param('String', id)}${at}
ORDER BY Version DESC LIMIT 1`);
    if (!r || (version === undefined && r.Deleted === 1)) return undefined;
    return { ...toVersion(r), spec: JSON.parse(r.Spec ?? 'null') as unknown };
  }

  async dashboardVersions(tenant: string, id: string): Promise<Omit<DashboardVersion, 'spec'>[]> {
    const rows = await this.rows(sql`
SELECT Id, Version, Title, Deleted, toUnixTimestamp64Milli(UpdatedAt) AS UpdatedAt
FROM ${this.table} WHERE ${ident('tenant')} = ${param('String', tenant)} AND ${ident('Id')} = ${param('String', id)}
ORDER BY Version DESC`);
    return rows.map(toVersion);
  }

  async saveDashboard(tenant: string, v: DashboardVersion): Promise<void> {
    const w = new ByteWriter(1024);
    w.string(tenant);
    w.string(v.id);
    w.uint32(v.version);
    w.string(v.title);
    w.string(JSON.stringify(v.spec));
    w.uint8(v.deleted ? 1 : 0);
    w.int64(BigInt(Math.round(v.updatedAt)));
    await this.conn.insertBinary({
      table: `\`${this.db}\`.\`dashboards\``, columns: COLUMNS, format: 'RowBinary', pieces: [w.finish()], structure: STRUCTURE,
      dedupToken: `dashboard:${tenant}:${v.id}:${v.version}`,
    });
  }
}
