export { UserError, EXIT, jsonErrorMessage } from './errors.js';
export { features, feature, featureCombinations, type Feature, type FeatureOption } from './features/index.js';
export { answerKeys, defaultDescription, defaultRetrainCron, importName, normalizeAnswers, packageManagers, validateCron, validateName, type Answers, type PackageManager, type RawAnswers } from './options.js';
export { RECORD_FILE, outputPath, projectRecord, renderProject, templateContext, type ProjectRecord } from './render.js';
export { action, other, pin, versions } from './versions.js';
export { lockPath, normalizeName, renderLock, requirementPins } from './lock.js';
export { findPython, probePython, type FoundPython } from './python.js';
export { ciNames, ciProvider, ciProviders, defaultCi, rendersFor, type CiName, type CiProviderDef } from './ci/index.js';
