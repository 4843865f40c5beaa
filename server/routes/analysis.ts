// The analysis resources (hotspots, clusters, topics, forecast) as one router, so the application
// mounts them with a single line.
import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { hotspots } from './hotspots.ts';
import { clusters } from './clusters.ts';
import { topics } from './topics.ts';
import { forecastRoutes } from './forecast.ts';

export const analysis = new Hono<AppEnv>()
  .route('/hotspots', hotspots)
  .route('/clusters', clusters)
  .route('/topics', topics)
  .route('/forecast', forecastRoutes);
