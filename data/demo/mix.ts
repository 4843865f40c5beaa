// What one category asks for in the demo: its yearly share, seasonal curve, time of day, the mix of
// ticket kinds, and whether grid workers find it on patrol. A city sets these in its demo profile
// (data/cities/<city>/demo.json, profile.ts); without one, every category gets the defaults below
// from its urgency alone.
import type { Channel, SourceCrs, TicketKind, UrgencyClass } from '../../db/schema.ts';
import type { SeasonTable } from './seasons.ts';

export const KIND_PROFILES = ['problem', 'policy', 'enforcement', 'urgent'] as const;
export type KindProfile = (typeof KIND_PROFILES)[number];

export interface CategoryMix {
  /** Relative yearly share (any unit; only ratios matter). 0 = never generated. */
  share: number;
  season: SeasonTable;
  /** A shape name in the diurnal table (seasons.ts DIURNAL or the profile's own). */
  diurnal: string;
  kinds: KindProfile;
  /** Grid workers report it on patrol (street furniture, rubbish, vending…), not only citizens. */
  patrol: boolean;
  /** Multiplies the chance a unit actually solves it: historic and policy problems resist. */
  solvability: number;
}

/** The mix a category gets from its urgency when no profile says otherwise: emergencies are rarer, no season. */
export const MIX_BY_URGENCY: Record<
  UrgencyClass,
  { share: number; diurnal: string; kinds: KindProfile; solvability: number }
> = {
  emergency: { share: 0.4, diurnal: 'round_the_clock', kinds: 'urgent', solvability: 1 },
  basic: { share: 1, diurnal: 'day', kinds: 'urgent', solvability: 1 },
  ordinary: { share: 1, diurnal: 'day', kinds: 'problem', solvability: 1 },
  complex: { share: 0.6, diurnal: 'office', kinds: 'policy', solvability: 0.7 },
};

/**
 * Kind shares per profile. Across a typical mix (and with grid patrol reports) this gives roughly:
 * complaint 40%, consultation 25%, help 14%, report 12%, suggestion 6%, praise 2%.
 */
export const KIND_SHARES: Record<KindProfile, Record<TicketKind, number>> = {
  problem: { complaint: 0.5, report: 0.03, help: 0.15, consultation: 0.23, suggestion: 0.07, praise: 0.02 },
  policy: { complaint: 0.12, report: 0.01, help: 0.08, consultation: 0.7, suggestion: 0.07, praise: 0.02 },
  enforcement: { complaint: 0.5, report: 0.32, help: 0.03, consultation: 0.1, suggestion: 0.04, praise: 0.01 },
  urgent: { complaint: 0.3, report: 0.06, help: 0.5, consultation: 0.11, suggestion: 0.01, praise: 0.02 },
};

export interface ChannelShare {
  channel: Exclude<Channel, 'grid'>;
  share: number;
  /** The coordinate system the channel reports points in (a Chinese map app: GCJ-02 or BD-09). */
  crs: SourceCrs;
}

/** Citizen channels without a profile: mostly the phone, the rest online, all WGS-84. */
export const DEFAULT_CHANNELS: ChannelShare[] = [
  { channel: 'phone', share: 0.7, crs: 'WGS84' },
  { channel: 'web', share: 0.15, crs: 'WGS84' },
  { channel: 'app', share: 0.15, crs: 'WGS84' },
];
