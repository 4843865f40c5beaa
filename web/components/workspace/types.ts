// Shapes of the workspace's API answers, from the contract (server/contract/summary.ts,
// server/contract/tickets.ts). Type-only.
import type { z } from 'zod';
import type {
  backlogSchema,
  figuresSchema,
  regionCountSchema,
  seriesSchema,
  summarySchema,
} from '../../../server/contract/summary.ts';
import type { ticketPageSchema, ticketRowSchema } from '../../../server/contract/tickets.ts';

export type RegionCount = z.infer<typeof regionCountSchema>;
export type Figures = z.infer<typeof figuresSchema>;
export type Backlog = z.infer<typeof backlogSchema>;
export type WorkspaceSummary = z.infer<typeof summarySchema>;
export type Series = z.infer<typeof seriesSchema>;
export type TicketRow = z.infer<typeof ticketRowSchema>;
export type TicketPage = z.infer<typeof ticketPageSchema>;

/** Every filter the workspace sends; list values go comma-separated (a request, not a response). */
export interface WorkspaceFilter {
  from: string;
  to: string;
  region: string | null;
  category: string | null;
  channel: string[];
  kind: string[];
  status: string[];
  urgency: string[];
}
