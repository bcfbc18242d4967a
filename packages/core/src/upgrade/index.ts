export { DATA_EXTENSIONS, isData, lineEndings, sameContent, toCrlf, toLf, type LineEndings } from './files.js';
export { mergeText, type MergeLabels, type MergeResult } from './merge.js';
export { migrations, pendingMigrations, renamePath, runMigrations, type Migration } from './migrations/index.js';
export { changesFiles, planUpgrade, type Action, type FilePlan, type Files, type PlanInput } from './plan.js';
export { ANSWERS_DIGEST, answersDigest, sameJson } from './digest.js';
export { Interrupted, throwIfSignalled } from './interrupted.js';
export { answersEdited, parseRecord, recordContent, type RecordRead } from './record.js';
export { resolvePlan, type Resolved } from './resolve.js';
export { compareVersions } from './version.js';
