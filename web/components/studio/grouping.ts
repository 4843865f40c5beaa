// Lists that name a place once: rows grouped by the street they lie in. Pure: unit-tested.

/**
 * Rows grouped by the place they lie in (a street), in the order of each place's first row, so
 * a list names a street once however many of its cells are hot. Rows without a place (names not
 * loaded yet, or outside every street) stay rows of their own.
 */
export function groupByPlace<T>(rows: T[], placeOf: (row: T) => string): { place: string; first: T; items: T[] }[] {
  const groups: { place: string; first: T; items: T[] }[] = [];
  const byPlace = new Map<string, { place: string; first: T; items: T[] }>();
  for (const row of rows) {
    const place = placeOf(row);
    const known = place ? byPlace.get(place) : undefined;
    if (known) known.items.push(row);
    else {
      const g = { place, first: row, items: [row] };
      groups.push(g);
      if (place) byPlace.set(place, g);
    }
  }
  return groups;
}
