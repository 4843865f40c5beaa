// Shapes of the ticket pages' API: GET /api/queue, GET /api/tickets/:id (server/lifecycle/read.ts),
// POST /api/tickets/:id/<action> and /locate. Types only (this folder sits under the dev proxy's /api).
import type { MultiPolygon, Polygon } from 'geojson';

import type { QueueKind, TicketStatus } from '../../shared/vocabulary.ts';
export type { QueueKind, TicketStatus };

/** Display names the server joins onto ticket rows. */
export interface TicketNames {
  categoryZh: string;
  categoryEn: string;
  groupCode: string;
  groupZh: string;
  groupEn: string;
  districtZh: string | null;
  districtEn: string | null;
  streetZh: string | null;
  streetEn: string | null;
}

export interface QueueRow extends TicketNames {
  id: number;
  kind: string;
  channel: string;
  categoryCode: string;
  urgency: string;
  status: TicketStatus;
  locationStatus: 'located' | 'unlocated' | 'outside';
  address: string | null;
  districtCode: string | null;
  streetCode: string | null;
  receivedAt: string;
  respondDueAt: string | null;
  resolveDueAt: string | null;
  remindAt: string | null;
  remindedAt: string | null;
  overdueAt: string | null;
  returnCount: number;
  returnedBy: string | null;
  returnedByZh: string | null;
  returnedByEn: string | null;
  returnedAt: string | null;
  returnReason: string | null;
  /** the queue's full size; rows stop at the request's limit */
  total: number;
}

export interface QueueResponse {
  kind: QueueKind;
  tickets: QueueRow[];
}

export interface TicketEvent {
  id: number;
  at: string;
  type: string;
  fromStatus: TicketStatus | null;
  toStatus: TicketStatus | null;
  actor: string | null;
  unitCode: string | null;
  note: string | null;
  data: Record<string, unknown> | null;
}

export interface TicketDispatch {
  id: number;
  unitCode: string;
  unitKind: string;
  role: 'territorial' | 'line' | 'whistle';
  zoneCode: string | null;
  dispatchedAt: string;
  acceptedAt: string | null;
  returnedAt: string | null;
  returnReason: string | null;
  returnJustified: boolean | null;
  ruledAt: string | null;
  active: boolean;
}

export interface UnitName {
  code: string;
  kind: string;
  nameZh: string;
  nameEn: string;
}

export interface UnitChoice extends UnitName {
  districtCode: string | null;
}

export interface Deadline {
  kind: 'respond' | 'resolve';
  due: string;
  doneAt: string | null;
  met: boolean | null;
}

export interface LinkedTicket extends TicketNames {
  id: number;
  status: TicketStatus;
  receivedAt: string;
  categoryCode: string;
  isRoot: boolean;
}

/** Caller details: masked in GET /api/tickets/:id; in clear from GET /api/tickets/:id/caller (audited). */
export interface CallerDetails {
  name: string | null;
  phone: string | null;
}

export interface TicketDetail extends TicketNames {
  id: number;
  kind: string;
  channel: string;
  categoryCode: string;
  urgency: string;
  description: string;
  address: string | null;
  lon: number | null;
  lat: number | null;
  sourceCrs: string;
  sourceLon: number | null;
  sourceLat: number | null;
  locationStatus: 'located' | 'unlocated' | 'outside';
  districtCode: string | null;
  streetCode: string | null;
  gridCode: string | null;
  gridZh: string | null;
  gridEn: string | null;
  status: TicketStatus;
  receivedAt: string;
  dispatchedAt: string | null;
  acceptedAt: string | null;
  repliedAt: string | null;
  callbackAt: string | null;
  closedAt: string | null;
  respondDueAt: string | null;
  resolveDueAt: string | null;
  remindAt: string | null;
  remindedAt: string | null;
  overdueAt: string | null;
  deferredUntil: string | null;
  returnCount: number;
  solved: boolean | null;
  satisfaction: string | null;
  repeatOf: number | null;
  updatedAt: string;
  events: TicketEvent[];
  dispatches: TicketDispatch[];
  units: Record<string, UnitName>;
  linked: LinkedTicket[];
  /** the caller's name and phone, masked (王*, 139****2222); null when the ticket has none */
  caller?: CallerDetails | null;
  deadlines: Deadline[];
  /** what the status allows now, plus 'locate' while the ticket waits unplaced */
  actions: string[];
  shapes: { street: Polygon | MultiPolygon | null; grid: Polygon | MultiPolygon | null };
  unitChoices: UnitChoice[];
}

/** The server's refusal: 409 for an illegal transition names the status and what is allowed. */
export interface ApiErrorBody {
  error: { code: string; message: string; field?: string; status?: TicketStatus; allowed?: string[] };
}
