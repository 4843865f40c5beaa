// Colours for category groups. Okabe–Ito is the base because officials include colour-blind
// readers. It has seven usable hues on a dark background, and the city's taxonomy has about
// twenty groups: no palette keeps twenty hues apart, least of all for colour-blind eyes. So the
// seven largest groups get a hue each and the rest share one neutral "other" grey.
// Okabe–Ito's dark blue (#0072B2) is lifted because the original vanishes on the dark
// command-centre background; the order puts the most distinct pair first.
export const GROUP_PALETTE = [
  '#56B4E9', // sky blue
  '#E69F00', // orange
  '#009E73', // bluish green
  '#CC79A7', // reddish purple
  '#F0E442', // yellow
  '#D55E00', // vermillion
  '#7B8CFF', // blue, lifted for a dark background
] as const;

// recessive on purpose: "other" is often the largest share and must not drown the named hues
export const OTHER_GROUP_COLOR = '#6E7A90';

/**
 * Hues for the largest groups, given group codes ranked by volume (largest first).
 * Decided once per session, so a group keeps its colour when the time range changes.
 */
export function assignGroupColors(rankedCodes: readonly string[]): Map<string, string> {
  return new Map(rankedCodes.slice(0, GROUP_PALETTE.length).map((code, i) => [code, GROUP_PALETTE[i]!]));
}

export function hexToRgb(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}
