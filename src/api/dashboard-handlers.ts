import { randomBytes } from 'node:crypto';
import type { DashboardsStorage, DashboardVersion } from '../storage/interface.js';
import { fromGrafana } from '../dashboards/grafana.js';
import { dashboardProblems, type DashboardSpec } from '../dashboards/spec.js';
import { SEED_DASHBOARDS } from '../dashboards/seeds.js';
import { ApiError } from './errors.js';
import { jsonBody, single } from './params.js';
import { ok, type ApiRequest, type ApiResponse } from './types.js';

const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** An id from a title: lower-case words joined by `-`, plus 6 random hex digits so two of a title differ. */
export function dashboardId(title: string): string {
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48);
  return `${slug || 'dashboard'}-${randomBytes(3).toString('hex')}`;
}

/**
 * Saves a version and reads it back: when another server saved the same version number at the
 * same moment, storage kept theirs (the insert is deduplicated by id and version) and this save
 * is refused with CONFLICT.
 */
async function saveChecked(store: DashboardsStorage, tenant: string, v: DashboardVersion): Promise<void> {
  await store.saveDashboard(tenant, v);
  const kept = await store.dashboard(tenant, v.id, v.version);
  if (!kept || kept.deleted !== v.deleted || JSON.stringify(kept.spec) !== JSON.stringify(v.spec)) {
    throw new ApiError('CONFLICT', `dashboard ${v.id} version ${v.version} was saved by someone else at the same moment: load it again and save on top of it`, { version: v.version });
  }
}

function validSpec(body: unknown): DashboardSpec {
  const problems = dashboardProblems(body);
  if (problems.length > 0) throw new ApiError('BAD_JSON', `invalid dashboard: ${problems.join('; ')}`, { problems });
  return body as DashboardSpec;
}

/**
 * Dashboards: list, read (any version), create, save on top of a version, delete, and import
 * from Grafana. Saves of one dashboard are serialised in this process; a save that names an
 * older version than the newest is refused with CONFLICT, so two editors never overwrite each
 * other silently.
 */
export function dashboardHandlers(d: { store: DashboardsStorage; now: () => number }) {
  let queue = Promise.resolve();
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const run = queue.then(f);
    queue = run.then(() => undefined, () => undefined);
    return run;
  };
  const idOf = (req: ApiRequest) => {
    const id = req.params.id ?? '';
    if (!ID.test(id)) throw new ApiError('BAD_PARAMETER', 'a dashboard id is 1–64 lower-case letters, digits and dashes');
    return id;
  };
  const create = (tenant: string, spec: DashboardSpec, id = dashboardId(spec.title)) => serial(async () => {
    // An id can be used again after its dashboard was deleted; its versions go on counting.
    const latest = (await d.store.dashboardVersions(tenant, id))[0];
    if (latest && !latest.deleted) throw new ApiError('CONFLICT', `dashboard ${id} exists`);
    const version = (latest?.version ?? 0) + 1;
    await saveChecked(d.store, tenant, { id, version, title: spec.title, spec, updatedAt: d.now(), deleted: false });
    return { id, version };
  });

  return {
    /** GET /api/v1/dashboards — every dashboard (newest version), by title. */
    list: async (req: ApiRequest): Promise<ApiResponse> => ok(await d.store.dashboards(req.tenant)),

    /** GET /api/v1/dashboards/:id?version= — the dashboard (newest version unless one is asked for). */
    get: async (req: ApiRequest): Promise<ApiResponse> => {
      const id = idOf(req);
      const v = single(req, 'version');
      if (v !== undefined && !/^[1-9]\d{0,8}$/.test(v)) throw new ApiError('BAD_PARAMETER', 'invalid parameter "version": a positive integer');
      const found = await d.store.dashboard(req.tenant, id, v === undefined ? undefined : Number(v));
      if (!found) throw new ApiError('NOT_FOUND', `dashboard ${id}${v ? ` version ${v}` : ''} not found`);
      return ok({ id: found.id, version: found.version, title: found.title, updatedAt: found.updatedAt, deleted: found.deleted, dashboard: found.spec });
    },

    /** GET /api/v1/dashboards/:id/versions — every saved version, newest first. */
    versions: async (req: ApiRequest): Promise<ApiResponse> => {
      const id = idOf(req);
      const list = await d.store.dashboardVersions(req.tenant, id);
      if (list.length === 0) throw new ApiError('NOT_FOUND', `dashboard ${id} not found`);
      return ok(list);
    },

    /** POST /api/v1/dashboards — creates a dashboard from its spec; answers its id and version 1. */
    create: async (req: ApiRequest): Promise<ApiResponse> => ({ status: 201, body: { status: 'success', data: await create(req.tenant, validSpec(jsonBody(req))) } }),

    /** PUT /api/v1/dashboards/:id with `{"version": <the version edited>, "dashboard": {…}}` — saves the next version. */
    update: async (req: ApiRequest): Promise<ApiResponse> => {
      const id = idOf(req);
      const body = jsonBody(req) as { version?: unknown; dashboard?: unknown } | null;
      if (!body || typeof body !== 'object' || typeof body.version !== 'number') throw new ApiError('BAD_JSON', 'the body is {"version": <the version you edited>, "dashboard": {…}}');
      const spec = validSpec(body.dashboard);
      const base = body.version;
      return ok(await serial(async () => {
        const current = await d.store.dashboard(req.tenant, id);
        if (!current) throw new ApiError('NOT_FOUND', `dashboard ${id} not found`);
        if (current.version !== base) throw new ApiError('CONFLICT', `dashboard ${id} is at version ${current.version}, not ${base}: it was saved since you loaded it`, { version: current.version });
        const version = current.version + 1;
        await saveChecked(d.store, req.tenant, { id, version, title: spec.title, spec, updatedAt: d.now(), deleted: false });
        return { id, version };
      }));
    },

    /** DELETE /api/v1/dashboards/:id — deletes it (its versions stay readable by number). */
    remove: async (req: ApiRequest): Promise<ApiResponse> => {
      const id = idOf(req);
      return ok(await serial(async () => {
        const current = await d.store.dashboard(req.tenant, id);
        if (!current) throw new ApiError('NOT_FOUND', `dashboard ${id} not found`);
        await saveChecked(d.store, req.tenant, { ...current, version: current.version + 1, updatedAt: d.now(), deleted: true });
        return { id, version: current.version + 1 };
      }));
    },

    /** POST /api/v1/dashboards/import/grafana — a Grafana dashboard JSON (or its export) saved as a new dashboard; `skipped` lists what was left out. */
    importGrafana: async (req: ApiRequest): Promise<ApiResponse> => {
      let converted: ReturnType<typeof fromGrafana>;
      try {
        converted = fromGrafana(jsonBody(req));
      } catch (err) {
        if (err instanceof ApiError) throw err;
        throw new ApiError('BAD_JSON', (err as Error).message);
      }
      const saved = await create(req.tenant, validSpec(converted.spec));
      return { status: 201, body: { status: 'success', data: { ...saved, skipped: converted.skipped } } };
    },

    /** Creates the seed dashboards a tenant has never had (run at start for the default tenant). */
    seed: async (tenant: string): Promise<string[]> => {
      const made: string[] = [];
      for (const s of SEED_DASHBOARDS) {
        if ((await d.store.dashboardVersions(tenant, s.id)).length > 0) continue;
        await create(tenant, s.spec, s.id);
        made.push(s.id);
      }
      return made;
    },
  };
}
