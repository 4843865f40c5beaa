// What the demo city asks for: each category's yearly share, seasonal curve, time of day, the mix of
// ticket kinds, and whether grid workers find it on patrol. Shares are rough orders of magnitude from
// Beijing's published top demand classes (property, heating, market, traffic, labour lead the table).
import type { Channel, TicketKind } from '../../db/schema.ts';
import type { DiurnalProfile, SeasonProfile } from './seasons.ts';

export type KindProfile = 'problem' | 'policy' | 'enforcement' | 'urgent';

export interface CategoryMix {
  /** Relative yearly share (any unit; only ratios matter). */
  share: number;
  season: SeasonProfile;
  diurnal: DiurnalProfile;
  kinds: KindProfile;
  /** Grid workers report it on patrol (street furniture, rubbish, vending…), not only citizens. */
  patrol: boolean;
  /** Multiplies the chance a unit actually solves it: historic and policy problems resist. */
  solvability: number;
}

type Row = [code: string, share: number, season: SeasonProfile, diurnal: DiurnalProfile, kinds: KindProfile, patrol?: boolean, solvability?: number];

const ROWS: Row[] = [
  ['heating.no_heat', 4.0, 'heating', 'heating', 'problem'],
  ['heating.outage', 0.8, 'heating', 'heating', 'urgent'],
  ['heating.leak', 0.7, 'heating', 'heating', 'urgent'],
  ['heating.fee', 1.0, 'heating', 'office', 'policy'],
  ['property.service', 6.0, 'flat', 'day', 'problem', false, 0.85],
  ['property.fee', 2.5, 'flat', 'day', 'problem', false, 0.8],
  ['property.common_repair', 3.0, 'flat', 'day', 'problem'],
  ['property.roof_leak', 1.5, 'rainy', 'day', 'problem', false, 0.8],
  ['property.estate_parking', 2.0, 'flat', 'evening', 'problem'],
  ['property.owners_committee', 0.8, 'flat', 'office', 'policy', false, 0.6],
  ['housing.lift_install', 0.8, 'flat', 'office', 'policy', false, 0.55],
  ['housing.lift_fault', 1.0, 'flat', 'day', 'urgent'],
  ['housing.old_estate_renovation', 1.5, 'flat', 'day', 'problem', false, 0.75],
  ['housing.rental', 2.5, 'flat', 'day', 'problem', false, 0.85],
  ['housing.demolition', 0.6, 'flat', 'office', 'policy', false, 0.5],
  ['realty.certificate', 1.2, 'flat', 'office', 'policy', false, 0.5],
  ['realty.registration', 1.0, 'flat', 'office', 'policy'],
  ['realty.historic', 0.4, 'flat', 'office', 'policy', false, 0.4],
  ['municipal.streetlight', 1.2, 'winter', 'evening', 'problem', true],
  ['municipal.manhole', 0.4, 'flat', 'day', 'urgent', true],
  ['municipal.road_damage', 1.5, 'flat', 'day', 'problem', true],
  ['municipal.road_collapse', 0.1, 'rainy', 'round_the_clock', 'urgent', true],
  ['municipal.public_toilet', 0.5, 'summer', 'day', 'problem', true],
  ['municipal.telecom', 1.2, 'flat', 'day', 'problem'],
  ['traffic.illegal_parking', 4.0, 'flat', 'day', 'enforcement', true],
  ['traffic.parking_shortage', 2.0, 'flat', 'evening', 'problem', false, 0.6],
  ['traffic.signal', 0.5, 'flat', 'day', 'urgent', true],
  ['traffic.congestion', 1.0, 'flat', 'day', 'problem', false, 0.7],
  ['traffic.shared_bikes', 1.0, 'summer', 'day', 'problem', true],
  ['traffic.taxi', 1.5, 'flat', 'day', 'problem'],
  ['noise.construction', 3.0, 'summer', 'night', 'enforcement'],
  ['noise.commercial', 1.5, 'summer', 'night', 'enforcement'],
  ['noise.neighbourhood', 2.0, 'summer', 'evening', 'problem', false, 0.8],
  ['noise.traffic', 0.5, 'summer', 'night', 'problem', false, 0.6],
  ['environment.garbage', 2.0, 'summer', 'day', 'problem', true],
  ['environment.sorting', 0.8, 'flat', 'day', 'problem', true],
  ['environment.cooking_fumes', 1.2, 'summer', 'evening', 'enforcement', true],
  ['environment.dust', 0.8, 'spring', 'day', 'enforcement', true],
  ['environment.water_pollution', 0.3, 'summer', 'day', 'enforcement', true],
  ['urban_order.illegal_construction', 1.5, 'flat', 'day', 'enforcement', true, 0.7],
  ['urban_order.street_vendors', 1.5, 'summer', 'evening', 'enforcement', true],
  ['urban_order.advertising', 0.5, 'flat', 'day', 'enforcement', true],
  ['water.outage', 1.5, 'summer', 'day', 'urgent'],
  ['water.quality', 0.5, 'summer', 'day', 'problem'],
  ['water.pipe_leak', 1.0, 'winter', 'day', 'urgent', true],
  ['water.sewer', 1.0, 'rainy', 'day', 'urgent', true],
  ['water.waterlogging', 0.8, 'rainy', 'round_the_clock', 'urgent', true],
  ['power.outage', 1.5, 'summer', 'round_the_clock', 'urgent'],
  ['power.voltage', 0.4, 'summer', 'evening', 'problem'],
  ['power.ev_charging', 0.6, 'flat', 'office', 'policy', false, 0.7],
  ['gas.leak', 0.2, 'winter', 'round_the_clock', 'urgent'],
  ['gas.outage', 0.4, 'winter', 'day', 'urgent'],
  ['gas.meter_fee', 0.8, 'winter', 'office', 'policy'],
  ['market.prepaid_card', 3.0, 'flat', 'day', 'problem', false, 0.55],
  ['market.consumer_dispute', 4.0, 'flat', 'day', 'problem', false, 0.8],
  ['market.food_safety', 1.0, 'summer', 'day', 'enforcement'],
  ['market.price', 0.8, 'flat', 'day', 'enforcement'],
  ['labour.wage_arrears', 3.0, 'year_end', 'office', 'problem', false, 0.7],
  ['labour.social_insurance', 2.5, 'flat', 'office', 'policy'],
  ['labour.contract', 2.0, 'flat', 'office', 'policy'],
  ['education.enrollment', 1.5, 'school', 'office', 'policy', false, 0.75],
  ['education.training', 0.8, 'school', 'day', 'problem'],
  ['health.hospital_service', 2.0, 'winter', 'day', 'problem'],
  ['health.medical_insurance', 1.2, 'flat', 'office', 'policy'],
  ['transit.bus', 1.5, 'flat', 'day', 'problem'],
  ['transit.subway', 1.0, 'flat', 'day', 'problem'],
  ['greening.tree_pruning', 1.2, 'summer', 'day', 'problem', true],
  ['greening.catkins', 0.6, 'spring', 'day', 'problem', false, 0.7],
  ['greening.green_damage', 0.4, 'flat', 'day', 'enforcement', true],
  ['security.public_order', 1.0, 'summer', 'evening', 'enforcement'],
  ['security.dogs', 0.8, 'flat', 'evening', 'problem'],
  ['security.group_rental', 0.6, 'flat', 'day', 'enforcement', false, 0.75],
  ['welfare.elderly_care', 0.8, 'flat', 'office', 'policy'],
  ['welfare.assistance', 0.6, 'flat', 'office', 'policy'],
];

export const CATEGORY_MIX: ReadonlyMap<string, CategoryMix> = new Map(
  ROWS.map(([code, share, season, diurnal, kinds, patrol = false, solvability = 1]) => [code, { share, season, diurnal, kinds, patrol, solvability }]),
);

/** Mix for a category the demo does not know (e.g. a city's own addition): a small flat share. */
export const FALLBACK_MIX: CategoryMix = { share: 0.3, season: 'flat', diurnal: 'day', kinds: 'problem', patrol: false, solvability: 1 };

/**
 * Kind shares per profile. Across the mix (and with grid patrol reports) this gives roughly:
 * complaint 40%, consultation 25%, help 14%, report 12%, suggestion 6%, praise 2%.
 */
export const KIND_SHARES: Record<KindProfile, Record<TicketKind, number>> = {
  problem: { complaint: 0.5, report: 0.03, help: 0.15, consultation: 0.23, suggestion: 0.07, praise: 0.02 },
  policy: { complaint: 0.12, report: 0.01, help: 0.08, consultation: 0.7, suggestion: 0.07, praise: 0.02 },
  enforcement: { complaint: 0.5, report: 0.32, help: 0.03, consultation: 0.1, suggestion: 0.04, praise: 0.01 },
  urgent: { complaint: 0.3, report: 0.06, help: 0.5, consultation: 0.11, suggestion: 0.01, praise: 0.02 },
};

/** Citizen channels (多口归一): the phone still carries about 70%. Grid patrols are added per category. */
export const CHANNEL_SHARES: Record<Exclude<Channel, 'grid'>, number> = {
  phone: 0.72,
  wechat: 0.09,
  app: 0.08,
  web: 0.06,
  mailbox: 0.02,
  weibo: 0.02,
  media: 0.01,
};

/** Share of a patrol-able category's tickets that come from grid workers (网格员) rather than citizens. */
export const PATROL_SHARE = 0.22;
