// `node --import tsx packages/verify/src/shard.ts <index>/<total>` prints the scenario projects of
// one CI shard, comma-separated for `nx run-many --projects`. The split comes from the scenario
// list (so from the feature registry): nothing in the CI workflow names a scenario.
import { pathToFileURL } from 'node:url';
import { scenarios, type Scenario } from './scenarios.js';

/** Rough cost: a full scenario installs, trains and runs act; a lint-only one generates and lints. */
const weight = (s: Scenario) => (s.lintOnly ? 1 : 10 + s.features.length);

/** Greedy longest-first split into `total` shards of about equal weight; stable for a given list. */
export function shards(list: Scenario[], total: number): string[][] {
  const bins = Array.from({ length: total }, () => ({ weight: 0, projects: [] as string[] }));
  const sorted = [...list].sort((a, b) => weight(b) - weight(a) || a.project.localeCompare(b.project));
  for (const s of sorted) {
    const lightest = bins.reduce((min, b) => (b.weight < min.weight ? b : min));
    lightest.weight += weight(s);
    lightest.projects.push(s.project);
  }
  return bins.map((b) => b.projects);
}

if (import.meta.url && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const match = /^(\d+)\/(\d+)$/.exec(process.argv[2] ?? '');
  const [index, total] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
  if (!match || index < 1 || index > total) {
    console.error('usage: shard.ts <index>/<total>, e.g. shard.ts 1/4 (index from 1)');
    process.exit(2);
  }
  // Empty when there are more shards than scenarios; the workflow then skips the run.
  console.log(shards(scenarios(), total)[index - 1].join(','));
}
