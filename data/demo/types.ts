// Rows the generator produces, shaped like the tables they are copied into. Instants are epoch
// milliseconds (UTC): cheap to create by the million and exact to compare.
import type {
  Actor,
  Channel,
  SourceCrs,
  Satisfaction,
  TicketKind,
  TicketStatus,
  UrgencyClass,
} from '../../db/schema.ts';
import type { Caller } from './people.ts';

export interface DemoEvent {
  id: number;
  ticketId: number;
  at: number;
  /** The state reached ('dispatched', 'accepted'…), or a marker that changes no state ('reminded', 'overdue'). */
  type: string;
  fromStatus: TicketStatus | null;
  toStatus: TicketStatus | null;
  actor: Actor;
  unitCode: string | null;
  note: string | null;
  data: Record<string, unknown> | null;
}

export interface DemoDispatch {
  id: number;
  ticketId: number;
  unitCode: string;
  unitKind: 'street' | 'department' | 'utility';
  role: 'territorial' | 'line';
  dispatchedAt: number;
  acceptedAt: number | null;
  returnedAt: number | null;
  returnReason: string | null;
  returnJustified: boolean | null;
  ruledAt: number | null;
  active: boolean;
}

export interface DemoTicket {
  id: number;
  kind: TicketKind;
  channel: Channel;
  categoryCode: string;
  urgency: UrgencyClass;
  description: string;
  address: string;
  /** WGS-84 point; null for address-only tickets. */
  lon: number | null;
  lat: number | null;
  /** Coordinates as the channel reported them (GCJ-02 from WeChat/app, BD-09 from the web form). */
  sourceCrs: SourceCrs;
  sourceLon: number | null;
  sourceLat: number | null;
  h3r7: string | null;
  h3r8: string | null;
  h3r9: string | null;
  /** Street the generator placed the point in, i.e. what locating it should find; null outside the city. */
  plannedStreetCode: string | null;
  plannedDistrictCode: string | null;
  status: TicketStatus;
  receivedAt: number;
  dispatchedAt: number | null;
  acceptedAt: number | null;
  repliedAt: number | null;
  callbackAt: number | null;
  closedAt: number | null;
  respondDueAt: number | null;
  resolveDueAt: number | null;
  remindAt: number | null;
  remindedAt: number | null;
  overdueAt: number | null;
  returnCount: number;
  solved: boolean | null;
  satisfaction: Satisfaction | null;
  repeatOf: number | null;
  /** Time of the latest event, i.e. the row's updated_at. */
  updatedAt: number;
  caller: Caller;
  events: DemoEvent[];
  dispatches: DemoDispatch[];
  /** 'background', 'repeat', 'outside', or the id of the planted hotspot/cluster that produced it. */
  source: string;
}
