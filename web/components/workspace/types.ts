// Shapes of the workspace's API answers beyond the base Summary (server/routes/summary.ts).
import type { Summary } from '../../api/types.ts';

export interface RegionCount {
  code: string;
  name: string;
  nameEn: string;
  count: number;
}

export interface Figures {
  total: number;
  dispatched: number;
  overdue: number;
  returned: number;
  replied: number;
  calledBack: number;
  solved: number;
  satisfied: number;
}

export interface WorkspaceSummary extends Summary {
  figures: Figures;
  children: { level: 'district' | 'street' | 'grid' | null; items: RegionCount[] };
}

export interface Series {
  step: 'week' | 'month';
  level: 'district' | 'street' | 'grid' | null;
  buckets: string[];
  totals: number[];
  regions: { code: string; counts: number[] }[];
  max: number;
}

export interface TicketRow {
  id: number;
  kind: string;
  channel: string;
  categoryCode: string;
  status: string;
  urgency?: string;
  receivedAt: string;
  districtCode: string | null;
  streetCode: string | null;
  gridCode: string | null;
  address: string | null;
}

export interface TicketPage {
  total: number;
  items: TicketRow[];
}

/** Every filter the workspace sends; list values go comma-separated. */
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
