import { sharedDeps } from '../services/deps.ts';
import {
  monitoringReport,
  overdueTasks,
  slaBreaches,
  slaBreachesCsv,
  stageTimings,
  stageTimingsCsv,
  stuckCases,
} from '../services/reports.ts';
import { csvBody, routeGroup } from './http.ts';

/** Read-only reports for auditors and reviewers: stage timings, SLA breaches, stuck cases, overdue tasks and
 * measures, the monitoring year. */
export const handler = routeGroup('reports', {
  getStageTimings: async ({ user, query }) =>
    query.format === 'csv'
      ? csvBody(await stageTimingsCsv(sharedDeps(), user, query))
      : stageTimings(sharedDeps(), user, query),
  getSlaBreaches: async ({ user, query }) =>
    query.format === 'csv'
      ? csvBody(await slaBreachesCsv(sharedDeps(), user, query))
      : slaBreaches(sharedDeps(), user, query),
  getStuckCases: ({ user, query }) => stuckCases(sharedDeps(), user, query),
  getOverdueTasks: ({ user, query }) => overdueTasks(sharedDeps(), user, query),
  getMonitoringReport: ({ user, query }) => monitoringReport(sharedDeps(), user, query),
});
