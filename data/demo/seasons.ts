// Seasonal, weekly and daily rhythms of demand. Each seasonal curve is normalised to a mean of 1
// over the year, so a category's base weight in mix.ts is its share over a whole year and the
// curve only moves demand between months.

export type SeasonProfile = 'flat' | 'heating' | 'rainy' | 'summer' | 'winter' | 'spring' | 'school' | 'year_end';
export type DiurnalProfile = 'day' | 'office' | 'evening' | 'night' | 'heating' | 'round_the_clock';

const DAYS = 366;

/** Values at the middle of each month, Jan…Dec, interpolated linearly (and around the year end). */
function fromMonthly(mid: number[]): (month: number, day: number, doy: number) => number {
  return (_m, _d, doy) => {
    const x = ((doy - 15 + DAYS) % DAYS) / (DAYS / 12);
    const i = Math.floor(x);
    const f = x - i;
    return mid[i % 12] * (1 - f) + mid[(i + 1) % 12] * f;
  };
}

/**
 * Beijing's heating season runs 15 Nov – 15 Mar. Complaints start with fees and trial firing in early
 * November, peak in the days after first firing (the single busiest week of the hotline's year), stay
 * high through the cold months and stop with the heating.
 */
function heating(month: number, day: number): number {
  const peak = (d: number) => 4 * Math.exp(-((d - 18) ** 2) / (2 * 6 ** 2));
  switch (month) {
    case 11:
      return day < 15 ? 0.6 + (1.4 * day) / 14 + peak(day) : 2.5 + peak(day);
    case 12:
      return 2.5 + peak(day + 30);
    case 1:
      return 2.8;
    case 2:
      return 2.4;
    case 3:
      return day <= 15 ? 1.8 : 0.3;
    default:
      return 0.04;
  }
}

const RAW: Record<SeasonProfile, (month: number, day: number, doy: number) => number> = {
  flat: () => 1,
  heating: (m, d) => heating(m, d),
  // Beijing's rain falls mostly in July and early August (the "七下八上" storms): leaks, waterlogging.
  rainy: fromMonthly([0.1, 0.1, 0.15, 0.25, 0.5, 1.2, 4.0, 3.0, 0.9, 0.3, 0.15, 0.1]),
  // Open windows, night markets, air conditioning load: noise, fumes, outages.
  summer: fromMonthly([0.6, 0.6, 0.7, 0.9, 1.2, 1.5, 1.7, 1.6, 1.2, 0.9, 0.7, 0.6]),
  // Cold: gas use, frozen pipes, flu season.
  winter: fromMonthly([1.6, 1.4, 1.1, 0.8, 0.7, 0.7, 0.7, 0.7, 0.8, 1.0, 1.3, 1.6]),
  // Poplar and willow catkins (杨柳飞絮) in April–May, pruning and spring dust.
  spring: fromMonthly([0.3, 0.4, 1.2, 3.2, 2.6, 1.1, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3]),
  // Enrolment applications in May–July, school start in September.
  school: fromMonthly([0.6, 0.8, 0.9, 1.0, 1.6, 1.7, 1.4, 1.5, 1.5, 0.7, 0.6, 0.6]),
  // Wage arrears before the Spring Festival.
  year_end: fromMonthly([2.0, 1.3, 0.8, 0.7, 0.7, 0.7, 0.7, 0.7, 0.8, 0.9, 1.2, 1.8]),
};

const TABLES = new Map<SeasonProfile, Float64Array>();
for (const [name, f] of Object.entries(RAW) as [SeasonProfile, (typeof RAW)[SeasonProfile]][]) {
  const t = new Float64Array(DAYS);
  let sum = 0;
  for (let doy = 0; doy < DAYS; doy++) {
    const date = new Date(Date.UTC(2001, 0, 1 + doy)); // a non-leap year: doy 365 wraps to 1 Jan
    t[doy] = f(date.getUTCMonth() + 1, date.getUTCDate(), doy);
    if (doy < 365) sum += t[doy];
  }
  const mean = sum / 365;
  for (let doy = 0; doy < DAYS; doy++) t[doy] /= mean;
  TABLES.set(name, t);
}

/** Multiplier of a seasonal profile on a day of the year (0-based); mean 1 over the year. */
export function seasonFactor(profile: SeasonProfile, dayOfYear: number): number {
  return (TABLES.get(profile) as Float64Array)[Math.min(dayOfYear, DAYS - 1)];
}

/** Relative demand per weekday, Sunday first: Monday catches up on the weekend. */
export const WEEKDAY_FACTOR = [0.84, 1.13, 1.06, 1.03, 1.0, 0.98, 0.86];

/** Relative demand per local hour, 0–23. */
export const DIURNAL: Record<DiurnalProfile, number[]> = {
  day: [0.25, 0.12, 0.08, 0.06, 0.06, 0.12, 0.4, 0.9, 1.6, 2.0, 2.0, 1.7, 1.2, 1.4, 1.8, 1.8, 1.6, 1.3, 1.0, 1.0, 1.0, 0.9, 0.6, 0.4],
  office: [0.05, 0.02, 0.02, 0.02, 0.02, 0.05, 0.15, 0.5, 1.8, 2.6, 2.6, 2.0, 1.1, 1.7, 2.4, 2.3, 1.9, 1.2, 0.6, 0.5, 0.4, 0.3, 0.15, 0.1],
  evening: [0.6, 0.3, 0.1, 0.05, 0.05, 0.1, 0.4, 0.8, 0.8, 0.8, 0.7, 0.6, 0.6, 0.6, 0.6, 0.6, 0.7, 0.9, 1.6, 2.4, 2.8, 2.4, 1.6, 1.0],
  night: [2.0, 1.6, 1.0, 0.5, 0.3, 0.3, 0.5, 0.5, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.5, 0.7, 1.0, 1.5, 2.2, 2.6, 2.5],
  heating: [0.4, 0.2, 0.15, 0.15, 0.2, 0.5, 1.4, 2.0, 2.0, 1.6, 1.3, 1.1, 1.0, 1.0, 1.0, 1.0, 1.1, 1.3, 1.8, 2.2, 2.2, 1.9, 1.3, 0.8],
  round_the_clock: [0.6, 0.5, 0.45, 0.4, 0.4, 0.5, 0.7, 0.9, 1.1, 1.2, 1.2, 1.2, 1.1, 1.1, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.1, 1.0, 0.9, 0.7],
};
