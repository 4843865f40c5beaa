// deck.gl for the workspace's ticket points, loaded the first time points are shown: the
// choropleth the workspace opens on needs none of its ~1 MB.
export { MapLibreOverlay } from '@deck.gl/maplibre';
export { pointsLayer, preparePoints } from '../../map/pointsLayer.ts';
