export { DATA_EXTENSIONS, hasCrlf, isData, sameContent, toCrlf, toLf } from './files.js';
export { mergeText, type MergeLabels, type MergeResult } from './merge.js';
export { migrations, pendingMigrations, renamePath, runMigrations, type Migration } from './migrations/index.js';
export { changesFiles, planUpgrade, type Action, type FilePlan, type Files, type PlanInput } from './plan.js';
export { parseRecord, type RecordRead } from './record.js';
export { resolvePlan, type Resolved } from './resolve.js';
export { compareVersions } from './version.js';
