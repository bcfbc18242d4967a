export { discoverChecks, checksFor, scenarios, scenario, targetsFor, type Scenario, type TargetSpec } from './scenarios.js';
export { runTarget, verifyDir, readResult, type TargetResult } from './tasks/index.js';
export { buildSummary, summaryMarkdown, writeSummary, type Summary } from './summary.js';
export { shards } from './shard.js';
