// deck.gl layers of the wall map: H3 hexagons (density, hot spots, emerging trends, the topic's
// cells) and the pulses of tickets as they are filed. Layer ids are fixed so deck.gl updates the
// same layers in place over days of rotation instead of building new ones.
import { H3HexagonLayer } from '@deck.gl/geo-layers';
import { ScatterplotLayer } from '@deck.gl/layers';

/** An opaque colour; deck.gl takes it as is. */
export type Rgb = [number, number, number];

/** Viridis: colour-blind safe, and its dark end sinks into the dark base where density is low. */
const VIRIDIS: Rgb[] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];
export const DENSITY_COLORS = VIRIDIS;

/** Blue–orange diverging (hot = orange), safe for red–green colour blindness. */
export const HOT_COLORS: Record<string, Rgb> = {
  '3': [230, 97, 1],
  '2': [245, 150, 60],
  '1': [253, 198, 130],
  '-1': [170, 205, 230],
  '-2': [100, 160, 210],
  '-3': [33, 102, 172],
};

/** Okabe–Ito hues for the emerging trends a command centre acts on. */
export const EMERGING_COLORS = {
  new: [240, 228, 66] as Rgb,
  intensifying: [230, 159, 0] as Rgb,
  persistent: [213, 94, 0] as Rgb,
  other: [204, 121, 167] as Rgb,
};
export type EmergingKind = keyof typeof EMERGING_COLORS;

export function emergingKind(pattern: string): EmergingKind | null {
  if (!pattern.endsWith('_hot')) return null;
  if (pattern === 'new_hot' || pattern === 'consecutive_hot') return 'new';
  if (pattern === 'intensifying_hot') return 'intensifying';
  if (pattern === 'persistent_hot') return 'persistent';
  return 'other';
}

export interface HexDatum {
  cell: string;
  color: Rgb;
}

function lerp(a: Rgb, b: Rgb, t: number): Rgb {
  return [
    Math.round(a[0] + (b[0] - a[0]) * t),
    Math.round(a[1] + (b[1] - a[1]) * t),
    Math.round(a[2] + (b[2] - a[2]) * t),
  ];
}

/** Colour on a log scale from 1 to `max`, so a few very busy cells do not flatten the rest. */
export function densityColor(count: number, max: number): Rgb {
  if (max <= 1) return VIRIDIS[VIRIDIS.length - 1]!;
  const t = Math.min(1, Math.log(Math.max(count, 1)) / Math.log(max));
  const x = t * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  return lerp(VIRIDIS[i]!, VIRIDIS[i + 1]!, x - i);
}

export function hexLayer(data: readonly HexDatum[], version: number, opacity: number, fade: boolean) {
  return new H3HexagonLayer<HexDatum>({
    id: 'wall-hexes',
    data: data as HexDatum[],
    getHexagon: (d) => d.cell,
    getFillColor: (d) => d.color,
    extruded: false,
    stroked: false,
    filled: true,
    opacity,
    updateTriggers: { getFillColor: version },
    // Colours fade between scenes; not on the first drawing, whose transition program (compiled
    // in software on a GPU-less screen) would hold the first map back.
    transitions: fade ? { getFillColor: 600 } : {},
  });
}

export interface Pulse {
  id: number;
  position: [number, number];
  /** performance.now() when it arrived */
  born: number;
}

export const PULSE_MS = 4000;

/**
 * Rings that grow and fade for PULSE_MS after a ticket arrives, over a dot that stays. No layer
 * before the first ticket: each layer costs a shader compile, which delays the first drawing.
 */
export function pulseLayers(pulses: readonly Pulse[], recent: readonly Pulse[], now: number, unitPx: number) {
  if (recent.length === 0) return [];
  return [
    new ScatterplotLayer<Pulse>({
      id: 'wall-recent',
      data: recent as Pulse[],
      getPosition: (d) => d.position,
      getRadius: unitPx * 0.35,
      radiusUnits: 'pixels',
      getFillColor: [255, 255, 255, 230],
      stroked: true,
      getLineColor: [7, 11, 22, 255],
      getLineWidth: Math.max(1, unitPx * 0.08),
      lineWidthUnits: 'pixels',
      updateTriggers: { getRadius: unitPx },
    }),
    new ScatterplotLayer<Pulse>({
      id: 'wall-pulses',
      data: pulses as Pulse[],
      getPosition: (d) => d.position,
      getRadius: (d) => unitPx * (0.4 + 3.2 * Math.min(1, (now - d.born) / PULSE_MS)),
      radiusUnits: 'pixels',
      filled: false,
      stroked: true,
      getLineWidth: Math.max(2, unitPx * 0.18),
      lineWidthUnits: 'pixels',
      getLineColor: (d) => [255, 255, 255, Math.round(255 * Math.max(0, 1 - (now - d.born) / PULSE_MS))],
      updateTriggers: { getRadius: [now, unitPx], getLineColor: now },
    }),
  ];
}
