// Shapes of the ticket pages' API (GET /api/queue, GET /api/tickets/:id, …caller), from the
// contract (server/contract/tickets.ts). Type-only.
import type { z } from 'zod';
import type {
  callerSchema,
  deadlineSchema,
  linkedTicketSchema,
  queueRowSchema,
  queueSchema,
  ticketNamesSchema,
  ticketDetailSchema,
  ticketDispatchSchema,
  ticketEventSchema,
  unitChoiceSchema,
  unitNameSchema,
} from '../../server/contract/tickets.ts';
import type { QueueKind, TicketStatus } from '../../db/vocabulary.ts';

export type { QueueKind, TicketStatus };
export type { ApiErrorBody } from './request.ts';
/** Display names the server joins onto ticket rows. */
export type TicketNames = z.infer<typeof ticketNamesSchema>;
export type QueueRow = z.infer<typeof queueRowSchema>;
export type QueueResponse = z.infer<typeof queueSchema>;
export type TicketEvent = z.infer<typeof ticketEventSchema>;
export type TicketDispatch = z.infer<typeof ticketDispatchSchema>;
export type UnitName = z.infer<typeof unitNameSchema>;
export type UnitChoice = z.infer<typeof unitChoiceSchema>;
export type Deadline = z.infer<typeof deadlineSchema>;
export type LinkedTicket = z.infer<typeof linkedTicketSchema>;
export type CallerDetails = z.infer<typeof callerSchema>;
export type TicketDetail = z.infer<typeof ticketDetailSchema>;
