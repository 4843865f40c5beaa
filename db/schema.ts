// drizzle-orm schema: the single source of truth for table shapes.
// Geometry columns are PostGIS types (SRID 4326, WGS-84); spatial work happens in SQL.
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
  check,
  date,
  primaryKey,
  smallint,
  foreignKey,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import type {
  Channel,
  LocationStatus,
  Satisfaction,
  SourceCrs,
  StoredTicketKind,
  TicketStatus,
  UrgencyClass,
} from './vocabulary.ts';
// The ticket vocabulary lives in db/vocabulary.ts (server, data and web read it from there).
export {
  ACTORS,
  CHANNELS,
  LOCATION_STATUSES,
  SATISFACTION,
  SOURCE_CRS,
  PROACTIVE_KIND,
  TICKET_KINDS,
  TICKET_STATUSES,
  URGENCY_CLASSES,
  type Actor,
  type Channel,
  type LocationStatus,
  type Satisfaction,
  type SourceCrs,
  type StoredTicketKind,
  type TicketKind,
  type TicketStatus,
  type UrgencyClass,
} from './vocabulary.ts';

/** PostGIS geometry with a fixed subtype; values travel as EWKT/GeoJSON through SQL, never parsed here. */
const geometry = (name: string, subtype: 'MultiPolygon' | 'Polygon' | 'Point') =>
  customType<{ data: string; driverData: string }>({
    dataType: () => `geometry(${subtype},4326)`,
  })(name);

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
/** An index of the rows where `col` is set: most facts are missing on many rows, or on most. */
const whereSet = (name: string, col: AnyPgColumn) =>
  index(name)
    .on(col)
    .where(sql`${col} IS NOT NULL`);

export const REGION_LEVELS = ['district', 'street', 'community', 'grid'] as const;
export type RegionLevel = (typeof REGION_LEVELS)[number];

/** District / street-township (街乡镇) / community (社区) / management grid cell (网格), one table. */
export const regions = pgTable(
  'regions',
  {
    id: serial('id').primaryKey(),
    level: text('level').$type<RegionLevel>().notNull(),
    code: text('code').notNull(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    parentCode: text('parent_code'),
    population: integer('population'),
    synthetic: boolean('synthetic').notNull().default(false),
    areaKm2: doublePrecision('area_km2'),
    geom: geometry('geom', 'MultiPolygon').notNull(),
    labelPoint: geometry('label_point', 'Point'),
  },
  (t) => [
    uniqueIndex('regions_code_uq').on(t.code),
    index('regions_level_idx').on(t.level, t.parentCode),
    index('regions_geom_gist').using('gist', t.geom),
    check('regions_level_ck', sql`${t.level} in ('district','street','community','grid')`),
  ],
);

/**
 * Regions cut into small pieces (ST_Subdivide) so point-in-polygon at intake tests a few
 * dozen vertices instead of a whole district outline. Rebuilt whenever regions are imported.
 */
export const regionParts = pgTable(
  'region_parts',
  {
    id: serial('id').primaryKey(),
    regionCode: text('region_code').notNull(),
    level: text('level').$type<RegionLevel>().notNull(),
    geom: geometry('geom', 'Polygon').notNull(),
  },
  // One GiST per level: a lookup walks only that level's tree (a btree on level made the planner
  // AND it with the spatial index and scan every street's parts for each point).
  (t) => [
    index('region_parts_geom_gist').using('gist', t.geom),
    ...REGION_LEVELS.map((level) =>
      index(`region_parts_${level}_gist`)
        .using('gist', t.geom)
        .where(sql.raw(`level = '${level}'`)),
    ),
  ],
);

/** Line departments (职能部门) and public utilities (公共服务企业) that receive parallel dispatches. */
export const departments = pgTable('departments', {
  code: text('code').primaryKey(),
  kind: text('kind').$type<'department' | 'utility'>().notNull(),
  nameZh: text('name_zh').notNull(),
  nameEn: text('name_en').notNull(),
});

/** First level of the taxonomy (e.g. 供暖 heating). */
export const categoryGroups = pgTable('category_groups', {
  code: text('code').primaryKey(),
  nameZh: text('name_zh').notNull(),
  nameEn: text('name_en').notNull(),
});

/** Second level: the category a ticket carries, its default urgency and responsible line department. */
export const categories = pgTable('categories', {
  code: text('code').primaryKey(),
  groupCode: text('group_code')
    .notNull()
    .references(() => categoryGroups.code),
  nameZh: text('name_zh').notNull(),
  nameEn: text('name_en').notNull(),
  urgency: text('urgency').$type<UrgencyClass>().notNull(),
  departmentCode: text('department_code').references(() => departments.code),
  /** Dispatch to the department in parallel with the street (并行派单). */
  parallel: boolean('parallel').notNull().default(false),
  /** The request type's own service level in minutes (city taxonomy), overriding its urgency class. */
  respondMinutes: integer('respond_minutes'),
  resolveMinutes: integer('resolve_minutes'),
});

/** A citizen demand (工单 / 诉求). Caller identity lives apart in ticket_callers. */
export const tickets = pgTable(
  'tickets',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    /** Client-supplied key, or channel:external id; the same key twice is the same ticket. */
    idempotencyKey: text('idempotency_key'),
    kind: text('kind').$type<StoredTicketKind>().notNull(),
    channel: text('channel').$type<Channel>().notNull(),
    categoryCode: text('category_code')
      .notNull()
      .references(() => categories.code),
    urgency: text('urgency').$type<UrgencyClass>().notNull(),
    description: text('description').notNull().default(''),
    address: text('address'),
    geom: geometry('geom', 'Point'),
    sourceCrs: text('source_crs').$type<SourceCrs>().notNull().default('WGS84'),
    sourceLon: doublePrecision('source_lon'),
    sourceLat: doublePrecision('source_lat'),
    h3r7: text('h3_r7'),
    h3r8: text('h3_r8'),
    h3r9: text('h3_r9'),
    locationStatus: text('location_status').$type<LocationStatus>().notNull(),
    districtCode: text('district_code'),
    streetCode: text('street_code'),
    gridCode: text('grid_code'),
    status: text('status').$type<TicketStatus>().notNull().default('received'),
    receivedAt: tstz('received_at').notNull(),
    dispatchedAt: tstz('dispatched_at'),
    acceptedAt: tstz('accepted_at'),
    repliedAt: tstz('replied_at'),
    callbackAt: tstz('callback_at'),
    closedAt: tstz('closed_at'),
    respondDueAt: tstz('respond_due_at'),
    resolveDueAt: tstz('resolve_due_at'),
    remindAt: tstz('remind_at'),
    remindedAt: tstz('reminded_at'),
    overdueAt: tstz('overdue_at'),
    deferredUntil: tstz('deferred_until'),
    returnCount: integer('return_count').notNull().default(0),
    /** Callback verdict (回访): did the citizen confirm the problem solved, and how satisfied. */
    solved: boolean('solved'),
    satisfaction: text('satisfaction').$type<Satisfaction>(),
    /** Earlier ticket this one repeats (重复诉求). */
    repeatOf: bigint('repeat_of', { mode: 'number' }),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('tickets_idem_uq').on(t.idempotencyKey),
    index('tickets_received_idx').on(t.receivedAt),
    index('tickets_street_received_idx').on(t.streetCode, t.receivedAt),
    index('tickets_district_received_idx').on(t.districtCode, t.receivedAt),
    index('tickets_category_received_idx').on(t.categoryCode, t.receivedAt),
    // Resolution and satisfaction are bucketed by callback month: the ranking reads one month of callbacks.
    whereSet('tickets_callback_idx', t.callbackAt),
    index('tickets_status_idx').on(t.status),
    // The day's figures count dispatches, acceptances and overdue marks in their own window (0024).
    whereSet('tickets_dispatched_idx', t.dispatchedAt),
    whereSet('tickets_accepted_idx', t.acceptedAt),
    whereSet('tickets_overdue_idx', t.overdueAt),
    // The ticket detail lists the demands that repeat it; most tickets repeat nothing, hence partial.
    whereSet('tickets_repeat_of_idx', t.repeatOf),
    index('tickets_geom_gist').using('gist', t.geom),
    check(
      'tickets_kind_ck',
      sql`${t.kind} in ('complaint','report','help','consultation','suggestion','praise','proactive')`,
    ),
    check('tickets_crs_ck', sql`${t.sourceCrs} in ('WGS84','GCJ02','BD09')`),
    check('tickets_location_ck', sql`${t.locationStatus} in ('located','unlocated','outside')`),
  ],
);

/** Personal data (个人信息), kept out of the ticket row so it is never selected by accident. */
export const ticketCallers = pgTable('ticket_callers', {
  ticketId: bigint('ticket_id', { mode: 'number' })
    .primaryKey()
    .references(() => tickets.id, { onDelete: 'cascade' }),
  name: text('name'),
  phone: text('phone'),
});

/** Append-only history: one row per state change, written in the same transaction as the ticket row. */
export const ticketEvents = pgTable(
  'ticket_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    ticketId: bigint('ticket_id', { mode: 'number' })
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    at: tstz('at').notNull(),
    type: text('type').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    actor: text('actor'),
    unitCode: text('unit_code'),
    note: text('note'),
    data: jsonb('data'),
  },
  (t) => [index('ticket_events_ticket_idx').on(t.ticketId, t.at)],
);

/** A ticket sent to a unit: the territorial street (属地) or a line department/utility in parallel. */
export const dispatches = pgTable(
  'dispatches',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    ticketId: bigint('ticket_id', { mode: 'number' })
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    unitCode: text('unit_code').notNull(),
    unitKind: text('unit_kind').$type<'street' | 'department' | 'utility' | 'zone'>().notNull(),
    role: text('role').$type<'territorial' | 'line' | 'whistle' | 'proactive'>().notNull(),
    dispatchedAt: tstz('dispatched_at').notNull(),
    acceptedAt: tstz('accepted_at'),
    /** Return (退单): the unit says it is not its jurisdiction or duty. */
    returnedAt: tstz('returned_at'),
    returnReason: text('return_reason'),
    returnJustified: boolean('return_justified'),
    ruledAt: tstz('ruled_at'),
    active: boolean('active').notNull().default(true),
    /** The responsibility zone that claimed the spot, when a zone's unit took it instead of the street. */
    zoneCode: text('zone_code'),
  },
  (t) => [index('dispatches_ticket_idx').on(t.ticketId), index('dispatches_unit_idx').on(t.unitCode, t.dispatchedAt)],
);

export const ZONE_KINDS = ['municipal', 'sanitation', 'greening', 'water', 'other'] as const;
export type ZoneKind = (typeof ZONE_KINDS)[number];

/**
 * Responsibility zone (责任区): an area a municipal, sanitation or greening unit answers for (a
 * ring road's carriageway, a park). A located ticket inside a zone that applies to its category
 * goes to the zone's unit before the street (server/lifecycle/README.md has the rule).
 */
export const responsibilityZones = pgTable(
  'responsibility_zones',
  {
    id: serial('id').primaryKey(),
    code: text('code').notNull(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    kind: text('kind').$type<ZoneKind>().notNull(),
    /** The owning unit: a line department or utility. */
    departmentCode: text('department_code')
      .notNull()
      .references(() => departments.code),
    /** Category codes or category group codes the zone answers for; empty = every category. */
    appliesTo: text('applies_to')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Higher wins where zones overlap; ties go to the lowest code. */
    priority: integer('priority').notNull().default(0),
    synthetic: boolean('synthetic').notNull().default(false),
    geom: geometry('geom', 'MultiPolygon').notNull(),
  },
  (t) => [
    uniqueIndex('responsibility_zones_code_uq').on(t.code),
    index('responsibility_zones_geom_gist').using('gist', t.geom),
    check('responsibility_zones_kind_ck', sql`${t.kind} in ('municipal','sanitation','greening','water','other')`),
  ],
);

/** Small key/value facts about this database: demo seed and size, import provenance. */
export const meta = pgTable('meta', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});

export const schemaTables = {
  regions,
  regionParts,
  departments,
  categoryGroups,
  categories,
  tickets,
  ticketCallers,
  ticketEvents,
  dispatches,
  responsibilityZones,
  meta,
};

// --- Rollups for the analyses (server/analysis/) ------------------------------------------------
// Counts kept current by statement-level triggers on tickets (migration 0004_rollup_triggers:
// hotline_rollup_sql is the one definition of what is counted, used by the triggers and by
// hotline_rollup_rebuild()). Days are calendar days in the city's zone (meta 'city.time_zone',
// default Asia/Shanghai). Rows whose counts all fall to zero are deleted.

/** Tickets per (H3 cell at resolution 7/8/9, city day, category, district); '' = outside every district. */
export const rollupH3Daily = pgTable(
  'rollup_h3_daily',
  {
    res: smallint('res').notNull(),
    categoryCode: text('category_code').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    cell: text('cell').notNull(),
    districtCode: text('district_code').notNull(),
    tickets: integer('tickets').notNull(),
  },
  (t) => [primaryKey({ name: 'rollup_h3_daily_pk', columns: [t.res, t.categoryCode, t.day, t.cell, t.districtCode] })],
);

/** The same summed over categories: the all-category hot spot map reads ~1/30 of the rows. */
export const rollupH3DailyTotal = pgTable(
  'rollup_h3_daily_total',
  {
    res: smallint('res').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    cell: text('cell').notNull(),
    districtCode: text('district_code').notNull(),
    tickets: integer('tickets').notNull(),
  },
  (t) => [primaryKey({ name: 'rollup_h3_daily_total_pk', columns: [t.res, t.day, t.cell, t.districtCode] })],
);

/**
 * Every H3 cell that ever had a ticket: the study area of the hot spot analyses ("places people
 * call from"). first_day/last_day only widen; hotline_rollup_rebuild() narrows them again.
 */
export const rollupH3Cells = pgTable(
  'rollup_h3_cells',
  {
    res: smallint('res').notNull(),
    cell: text('cell').notNull(),
    districtCode: text('district_code').notNull(),
    firstDay: date('first_day', { mode: 'string' }).notNull(),
    lastDay: date('last_day', { mode: 'string' }).notNull(),
    tickets: integer('tickets').notNull(),
  },
  (t) => [primaryKey({ name: 'rollup_h3_cells_pk', columns: [t.res, t.cell, t.districtCode] })],
);

/** Tickets and callback verdicts per (district / street / grid cell, city day, category). */
export const rollupRegionDaily = pgTable(
  'rollup_region_daily',
  {
    level: text('level').$type<'district' | 'street' | 'grid'>().notNull(),
    categoryCode: text('category_code').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    regionCode: text('region_code').notNull(),
    tickets: integer('tickets').notNull(),
    /** callback_at set (回访). */
    calledBack: integer('called_back').notNull(),
    solved: integer('solved').notNull(),
    satisfied: integer('satisfied').notNull(),
    basic: integer('basic').notNull(),
    /** repeat_of set (重复诉求). */
    repeats: integer('repeats').notNull(),
  },
  (t) => [
    primaryKey({ name: 'rollup_region_daily_pk', columns: [t.level, t.categoryCode, t.day, t.regionCode] }),
    index('rollup_region_daily_day_idx').on(t.level, t.day),
  ],
);

/** Regions that share a border (rook contiguity), computed once per level from the polygons. */
export const regionAdjacency = pgTable(
  'region_adjacency',
  {
    level: text('level').$type<RegionLevel>().notNull(),
    code: text('code').notNull(),
    neighbourCode: text('neighbour_code').notNull(),
    /** Length of the shared border, metres. */
    sharedMetres: doublePrecision('shared_metres').notNull(),
  },
  (t) => [primaryKey({ name: 'region_adjacency_pk', columns: [t.level, t.code, t.neighbourCode] })],
);

/** Levels whose adjacency is current; a trigger on regions empties it on any change. */
export const regionAdjacencyBuilt = pgTable('region_adjacency_built', {
  level: text('level').$type<RegionLevel>().primaryKey(),
  builtAt: tstz('built_at').notNull().defaultNow(),
  regions: integer('regions').notNull(),
});

/**
 * The all-category H3 counts per ISO week (Monday, city time) and per calendar month: a month's
 * hot spot map reads ~30k rows instead of ~300k at 10 M tickets a year, and 52 weekly steps read a
 * week table instead of grouping a year of days. Kept by the same triggers (migration 0006).
 */
export const rollupH3WeeklyTotal = pgTable(
  'rollup_h3_weekly_total',
  {
    res: smallint('res').notNull(),
    week: date('week', { mode: 'string' }).notNull(),
    cell: text('cell').notNull(),
    districtCode: text('district_code').notNull(),
    tickets: integer('tickets').notNull(),
  },
  (t) => [primaryKey({ name: 'rollup_h3_weekly_total_pk', columns: [t.res, t.week, t.cell, t.districtCode] })],
);

export const rollupH3MonthlyTotal = pgTable(
  'rollup_h3_monthly_total',
  {
    res: smallint('res').notNull(),
    month: date('month', { mode: 'string' }).notNull(),
    cell: text('cell').notNull(),
    districtCode: text('district_code').notNull(),
    tickets: integer('tickets').notNull(),
  },
  (t) => [primaryKey({ name: 'rollup_h3_monthly_total_pk', columns: [t.res, t.month, t.cell, t.districtCode] })],
);

export const rollupTables = {
  rollupH3Daily,
  rollupH3DailyTotal,
  rollupH3WeeklyTotal,
  rollupH3MonthlyTotal,
  rollupH3Cells,
  rollupRegionDaily,
  regionAdjacency,
  regionAdjacencyBuilt,
};

// --- Ranking rollup (server/ranking/) -----------------------------------------------------------
// Counts of SETTLED months (ended more than a day ago), per ranking table, city time zone, month
// and unit, exactly as server/ranking/sql.ts computes them from tickets and dispatches: written by
// the ranking service the first time a settled month is read, so a month's ranking or a 13-month
// profile then reads a few hundred rows instead of a month of tickets. Kept honest by statement
// triggers on tickets, dispatches, regions and departments (migration 0010_ranking_rollup): any
// change touching an instant of a stored month drops that month, and it is recounted on the next
// read. ranking_rollup_state.epoch guards a count in flight against a change committed meanwhile.

/** A (table, zone, month) whose counts are stored; its unit rows are in ranking_month_counts. */
export const rankingMonths = pgTable(
  'ranking_months',
  {
    tbl: text('tbl').notNull(),
    timeZone: text('time_zone').notNull(),
    month: text('month').notNull(),
    periodFrom: tstz('period_from').notNull(),
    periodTo: tstz('period_to').notNull(),
    computedAt: tstz('computed_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'ranking_months_pk', columns: [t.tbl, t.timeZone, t.month] }),
    index('ranking_months_period_idx').on(t.periodFrom, t.periodTo),
  ],
);

export const rankingMonthCounts = pgTable(
  'ranking_month_counts',
  {
    tbl: text('tbl').notNull(),
    timeZone: text('time_zone').notNull(),
    month: text('month').notNull(),
    unit: text('unit').notNull(),
    volume: integer('volume').notNull(),
    dispatched: integer('dispatched').notNull(),
    respondedInTime: integer('responded_in_time').notNull(),
    calledBack: integer('called_back').notNull(),
    solved: integer('solved').notNull(),
    satisfied: integer('satisfied').notNull(),
    basic: integer('basic').notNull(),
    dissatisfied: integer('dissatisfied').notNull(),
    unjustifiedReturns: integer('unjustified_returns').notNull(),
  },
  (t) => [
    primaryKey({ name: 'ranking_month_counts_pk', columns: [t.tbl, t.timeZone, t.month, t.unit] }),
    foreignKey({
      name: 'ranking_month_counts_month_fk',
      columns: [t.tbl, t.timeZone, t.month],
      foreignColumns: [rankingMonths.tbl, rankingMonths.timeZone, rankingMonths.month],
    }).onDelete('cascade'),
  ],
);

/** One row: bumped by every change that may touch a settled month. */
export const rankingRollupState = pgTable('ranking_rollup_state', {
  id: integer('id').primaryKey(),
  epoch: bigint('epoch', { mode: 'number' }).notNull().default(0),
});

// --- Accounts, sessions and the audit log (server/auth/) ----------------------------------------

export const ROLES = [
  'admin',
  'dispatcher',
  'analyst',
  'district_official',
  'street_official',
  'wall',
  'integration',
] as const;
export type Role = (typeof ROLES)[number];
/** Roles a person signs in with (wall screens and integrations hold tokens instead). */
export type UserRole = Exclude<Role, 'wall' | 'integration'>;

/**
 * A person who signs in. District and street officials carry the region they answer for; every
 * query they make is limited to it in SQL (server/auth/scope.ts). Passwords are scrypt hashes.
 */
export const users = pgTable(
  'users',
  {
    id: serial('id').primaryKey(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role').$type<UserRole>().notNull(),
    /** District or street code for officials; null = the whole city. */
    regionCode: text('region_code').references(() => regions.code),
    passwordHash: text('password_hash').notNull(),
    disabled: boolean('disabled').notNull().default(false),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_username_uq').on(t.username),
    check('users_role_ck', sql`${t.role} in ('admin','dispatcher','analyst','district_official','street_official')`),
    check(
      'users_scope_ck',
      sql`(${t.role} in ('district_official','street_official')) = (${t.regionCode} is not null)`,
    ),
  ],
);

/**
 * A signed-in browser (user) or a bound wall screen (kiosk token). Only the SHA-256 of the
 * random id is stored; the cookie carries the id with an HMAC under the session secret.
 */
export const sessions = pgTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: integer('user_id').references(() => users.id, { onDelete: 'cascade' }),
    kioskId: integer('kiosk_id').references(() => kioskTokens.id, { onDelete: 'cascade' }),
    createdAt: tstz('created_at').notNull().defaultNow(),
    expiresAt: tstz('expires_at').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

/**
 * Wall display (大屏) kiosk tokens: read-only, one scope, bound to the first screen that redeems
 * the token (boundSession); another screen is refused until an admin releases it.
 */
export const kioskTokens = pgTable(
  'kiosk_tokens',
  {
    id: serial('id').primaryKey(),
    screen: text('screen').notNull(),
    tokenHash: text('token_hash').notNull(),
    regionCode: text('region_code').references(() => regions.code),
    boundSession: text('bound_session'),
    boundAt: tstz('bound_at'),
    revoked: boolean('revoked').notNull().default(false),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('kiosk_tokens_hash_uq').on(t.tokenHash), uniqueIndex('kiosk_tokens_screen_uq').on(t.screen)],
);

/** Who read a caller's name and phone unmasked, when, and on which ticket. Append-only. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    at: tstz('at').notNull().defaultNow(),
    userId: integer('user_id').references(() => users.id),
    username: text('username').notNull(),
    action: text('action').notNull(),
    ticketId: bigint('ticket_id', { mode: 'number' }),
    detail: jsonb('detail'),
  },
  (t) => [index('audit_log_at_idx').on(t.at), index('audit_log_ticket_idx').on(t.ticketId)],
);

/**
 * API keys for systems that file tickets (the call centre's telephony, Open311 clients): sent as
 * `Authorization: Bearer <key>` or Open311's `api_key`; they may file tickets and nothing else,
 * unless an admin granted more by name (`grants`: 'locate', 'import').
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    keyHash: text('key_hash').notNull(),
    grants: text('grants')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('api_keys_name_uq').on(t.name), uniqueIndex('api_keys_hash_uq').on(t.keyHash)],
);

/** Open311: the one media item of a request filed by a client (an uploaded image, or the client's own URL). */
export const open311Media = pgTable(
  'open311_media',
  {
    ticketId: bigint('ticket_id', { mode: 'number' })
      .primaryKey()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    contentType: text('content_type').$type<'image/jpeg' | 'image/png'>(),
    bytes: customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' })('bytes'),
    byteSize: integer('byte_size').notNull().default(0),
    url: text('url'),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [
    check('open311_media_one_ck', sql`(${t.bytes} IS NULL) <> (${t.url} IS NULL)`),
    check('open311_media_type_ck', sql`${t.contentType} IS NULL OR ${t.contentType} IN ('image/jpeg', 'image/png')`),
    check('open311_media_size_ck', sql`${t.byteSize} BETWEEN 0 AND 5242880`),
  ],
);

/** Open311: a request's answers to its service definition's attributes ({ code: value | values[] }). */
export const open311Attributes = pgTable('open311_attributes', {
  ticketId: bigint('ticket_id', { mode: 'number' })
    .primaryKey()
    .references(() => tickets.id, { onDelete: 'cascade' }),
  serviceCode: text('service_code').notNull(),
  attributes: jsonb('attributes').notNull(),
});

// ---- governance loop (issue 14, migration 0019) ---------------------------------------------------

/**
 * A monthly topic (每月一题) as adopted: its categories, area (a region code; null = the city), lead
 * and co-units, and the before/after windows and target declared at adoption — frozen by a trigger.
 * `target_change` is the promised relative change of its complaints (−0.2 = a fifth fewer).
 */
export const govTopics = pgTable(
  'gov_topics',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    title: text('title').notNull(),
    categories: text('categories').array().notNull(),
    areaCode: text('area_code'),
    leadUnit: text('lead_unit').notNull(),
    coUnits: text('co_units')
      .array()
      .notNull()
      .default(sql`'{}'`),
    source: text('source').$type<'candidate' | 'defined'>().notNull().default('defined'),
    status: text('status').$type<'active' | 'closed'>().notNull().default('active'),
    beforeFrom: date('before_from').notNull(),
    beforeTo: date('before_to').notNull(),
    afterFrom: date('after_from').notNull(),
    afterTo: date('after_to').notNull(),
    targetChange: doublePrecision('target_change').notNull(),
    adoptedAt: tstz('adopted_at').notNull().defaultNow(),
    adoptedBy: text('adopted_by').notNull(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check('gov_topics_status_ck', sql`${t.status} in ('active','closed')`),
    check('gov_topics_source_ck', sql`${t.source} in ('candidate','defined')`),
    check(
      'gov_topics_windows_ck',
      sql`${t.beforeFrom} < ${t.beforeTo} AND ${t.beforeTo} <= ${t.afterFrom} AND ${t.afterFrom} < ${t.afterTo}`,
    ),
  ],
);

export const govPolicies = pgTable('gov_policies', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
  topicId: bigint('topic_id', { mode: 'number' })
    .notNull()
    .references(() => govTopics.id, { onDelete: 'cascade' }),
  title: text('title').notNull(),
  issuedOn: date('issued_on').notNull(),
  link: text('link'),
  createdAt: tstz('created_at').notNull().defaultNow(),
});

export const GOV_TASK_STATUSES = ['open', 'in_progress', 'done'] as const;
export type GovTaskStatus = (typeof GOV_TASK_STATUSES)[number];

/** A topic's task for one unit (a street, district or department code), with its evidence. */
export const govTasks = pgTable(
  'gov_tasks',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    topicId: bigint('topic_id', { mode: 'number' })
      .notNull()
      .references(() => govTopics.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    ownerUnit: text('owner_unit').notNull(),
    dueOn: date('due_on').notNull(),
    status: text('status').$type<GovTaskStatus>().notNull().default('open'),
    evidence: text('evidence').notNull().default(''),
    links: text('links')
      .array()
      .notNull()
      .default(sql`'{}'`),
    doneAt: tstz('done_at'),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('gov_tasks_topic_idx').on(t.topicId),
    index('gov_tasks_owner_idx').on(t.ownerUnit, t.dueOn),
    check('gov_tasks_status_ck', sql`${t.status} in ('open','in_progress','done')`),
  ],
);

export const govReviews = pgTable('gov_reviews', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
  topicId: bigint('topic_id', { mode: 'number' })
    .notNull()
    .references(() => govTopics.id, { onDelete: 'cascade' }),
  reviewOn: date('review_on').notNull(),
  note: text('note').notNull().default(''),
  createdAt: tstz('created_at').notNull().defaultNow(),
});

/** The key-problem ledger (重点问题台账): a deferred ticket, a persistent cluster, or one entered by hand. */
export const govLedger = pgTable(
  'gov_ledger',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    source: text('source').$type<'deferred' | 'cluster' | 'manual'>().notNull(),
    ticketId: bigint('ticket_id', { mode: 'number' }),
    clusterKey: text('cluster_key'),
    title: text('title').notNull(),
    categoryCode: text('category_code'),
    districtCode: text('district_code'),
    streetCode: text('street_code'),
    ownerUnit: text('owner_unit'),
    plan: text('plan').notNull().default(''),
    targetOn: date('target_on'),
    status: text('status').$type<'open' | 'resolved'>().notNull().default('open'),
    openedAt: tstz('opened_at').notNull(),
    resolvedAt: tstz('resolved_at'),
    createdBy: text('created_by').notNull(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('gov_ledger_ticket_uq')
      .on(t.ticketId)
      .where(sql`${t.ticketId} IS NOT NULL`),
    uniqueIndex('gov_ledger_cluster_uq')
      .on(t.clusterKey)
      .where(sql`${t.clusterKey} IS NOT NULL`),
    check('gov_ledger_source_ck', sql`${t.source} in ('deferred','cluster','manual')`),
    check('gov_ledger_status_ck', sql`${t.status} in ('open','resolved')`),
  ],
);

/** Where a proactive ticket came from and what the forecast expected there (its outcome's yardstick). */
export const proactiveOrders = pgTable(
  'proactive_orders',
  {
    ticketId: bigint('ticket_id', { mode: 'number' })
      .primaryKey()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    source: text('source').$type<'forecast' | 'surge' | 'cluster'>().notNull(),
    res: smallint('res').notNull(),
    cell: text('cell').notNull(),
    categoryCode: text('category_code').notNull(),
    month: date('month').notNull(),
    expected: doublePrecision('expected'),
    createdBy: text('created_by').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('proactive_orders_place_uq').on(t.res, t.cell, t.categoryCode, t.month, t.source),
    check('proactive_orders_source_ck', sql`${t.source} in ('forecast','surge','cluster')`),
  ],
);

// --- The dispatcher's assistant (migration 0020, server/assist/) ---------------------------------

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });
const tsvector = customType<{ data: string; driverData: string }>({ dataType: () => 'tsvector' });

/** Category models, one row per training: vocabulary and labels (meta), float32 weights, evaluation. */
export const assistModels = pgTable(
  'assist_models',
  {
    version: integer('version').primaryKey().generatedByDefaultAsIdentity(),
    trainedAt: tstz('trained_at').notNull().defaultNow(),
    reason: text('reason').$type<'start' | 'schedule' | 'demand' | 'evaluation'>().notNull(),
    lang: text('lang').notNull(),
    tickets: integer('tickets').notNull(),
    trainFrom: tstz('train_from'),
    trainTo: tstz('train_to'),
    durationMs: integer('duration_ms').notNull(),
    meta: jsonb('meta').notNull(),
    weights: bytea('weights').notNull(),
    evaluation: jsonb('evaluation'),
    active: boolean('active').notNull().default(false),
  },
  (t) => [
    uniqueIndex('assist_models_active_idx')
      .on(t.active)
      .where(sql`"active"`),
    check('assist_models_reason_check', sql`${t.reason} IN ('start', 'schedule', 'demand', 'evaluation')`),
  ],
);

/** What an operator did with a suggestion: the category chosen and its rank among those suggested (null: none of them). */
export const assistFeedback = pgTable(
  'assist_feedback',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    at: tstz('at').notNull().defaultNow(),
    ticketId: bigint('ticket_id', { mode: 'number' }).references(() => tickets.id, { onDelete: 'cascade' }),
    modelVersion: integer('model_version'),
    suggested: text('suggested').array().notNull(),
    chosen: text('chosen').notNull(),
    rank: smallint('rank'),
    unitSuggested: text('unit_suggested'),
    unitAccepted: boolean('unit_accepted'),
    username: text('username'),
  },
  (t) => [index('assist_feedback_at_idx').on(t.at)],
);

/** The knowledge base: each unit's duties by category, policies and regulations, classic cases (anonymised closed tickets). */
export const kbEntries = pgTable(
  'kb_entries',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    kind: text('kind').$type<'duty' | 'policy' | 'case'>().notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    categoryCode: text('category_code'),
    unitCode: text('unit_code'),
    ticketId: bigint('ticket_id', { mode: 'number' }),
    search: tsvector('search').notNull(),
    createdBy: text('created_by').notNull(),
    updatedBy: text('updated_by').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('kb_entries_search_idx').using('gin', t.search),
    index('kb_entries_category_idx').on(t.categoryCode),
    uniqueIndex('kb_entries_case_idx')
      .on(t.ticketId)
      .where(sql`"kind" = 'case'`),
    check('kb_entries_kind_check', sql`${t.kind} IN ('duty', 'policy', 'case')`),
  ],
);

export type AlertState = 'new' | 'acknowledged' | 'handled' | 'dismissed';

/**
 * Surge alerts (migration 0018): one row per episode of a space-time cluster found by the
 * prospective scan (server/alerts/). `version` (sequence alerts_version_seq) grows with every write;
 * the live feed sends alerts above a stream's last version.
 */
export const alerts = pgTable(
  'alerts',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    categoryCode: text('category_code')
      .notNull()
      .references(() => categories.code),
    family: text('family').$type<'h3' | 'street'>().notNull(),
    zoneKey: text('zone_key').notNull(),
    cells: text('cells')
      .array()
      .notNull()
      .default(sql`'{}'`),
    streetCodes: text('street_codes')
      .array()
      .notNull()
      .default(sql`'{}'`),
    districtCodes: text('district_codes')
      .array()
      .notNull()
      .default(sql`'{}'`),
    ticketIds: bigint('ticket_ids', { mode: 'number' })
      .array()
      .notNull()
      .default(sql`'{}'`),
    lon: doublePrecision('lon'),
    lat: doublePrecision('lat'),
    windowHours: doublePrecision('window_hours').notNull(),
    observed: integer('observed').notNull(),
    expected: doublePrecision('expected').notNull(),
    llr: doublePrecision('llr').notNull(),
    p: doublePrecision('p').notNull(),
    recurrenceDays: doublePrecision('recurrence_days').notNull(),
    peakRecurrenceDays: doublePrecision('peak_recurrence_days').notNull(),
    firstSeenAt: tstz('first_seen_at').notNull(),
    lastSeenAt: tstz('last_seen_at').notNull(),
    state: text('state').$type<AlertState>().notNull().default('new'),
    stateAt: tstz('state_at'),
    stateBy: text('state_by'),
    stateUserId: integer('state_user_id').references(() => users.id),
    stateNote: text('state_note'),
    version: bigint('version', { mode: 'number' })
      .notNull()
      .default(sql`nextval('alerts_version_seq')`),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('alerts_last_seen_idx').on(t.lastSeenAt),
    index('alerts_version_idx').on(t.version),
    index('alerts_category_seen_idx').on(t.categoryCode, t.lastSeenAt),
    check('alerts_state_ck', sql`${t.state} in ('new','acknowledged','handled','dismissed')`),
    check('alerts_family_ck', sql`${t.family} in ('h3','street')`),
  ],
);
