// The server answers the default views' questions ahead (server/routes/standing.ts) under the cache
// key of the request the page makes: if a tab's default request changes, the list must change too,
// or the first planner of the day waits for the computation again.
import { describe, expect, it } from 'vitest';
import {
  clustersUrl,
  EMERGING_DEFAULT,
  emergingView,
  FORECAST_LIST_LENGTH,
  forecastUrl,
} from '../../../web/components/studio/api.ts';
import { WALL_EMERGING_URL } from '../../../web/components/wall/wallApi.ts';
import { STANDING_QUESTIONS } from '../../../server/routes/standing.ts';

describe('standing questions', () => {
  it("are exactly the studio tabs' and the wall's default requests", () => {
    // what EmergingTab, ForecastTab and ClustersTab ask first (all categories), and the wall
    const pages = [
      emergingView(EMERGING_DEFAULT.res, EMERGING_DEFAULT.step, null),
      forecastUrl({ category: null, limit: FORECAST_LIST_LENGTH }),
      clustersUrl({ category: null }),
      WALL_EMERGING_URL,
    ];
    expect([...STANDING_QUESTIONS].sort()).toEqual(pages.sort());
  });
});
