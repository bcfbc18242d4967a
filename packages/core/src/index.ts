export { UserError, EXIT, jsonErrorMessage } from './errors.js';
export { features, feature, featureCombinations, featureMatrix, interacts, isFeatureName, supports, type Feature, type FeatureName } from './features/index.js';
export {
  allOptions,
  answerKeys,
  baseOptions,
  defaultDescription,
  defaultRetrainCron,
  importName,
  kebab,
  normalizeAnswers,
  optionHelp,
  packageManagers,
  validateCron,
  validateName,
  type Answers,
  type ChoiceOption,
  type OptionSpec,
  type PackageManager,
  type RawAnswers,
  type StringOption,
} from './options.js';
export { RECORD_FILE, outputPath, projectRecord, renderProject, templateContext, type ProjectRecord } from './render.js';
export { action, other, pin, versions } from './versions.js';
export { lockPath, normalizeName, renderLock, requirementPins } from './lock.js';
export { findPython, probePython, type FoundPython } from './python.js';
export { ciNames, ciProvider, ciProviders, defaultCi, rendersFor, type CiName, type CiProviderDef } from './ci/index.js';
