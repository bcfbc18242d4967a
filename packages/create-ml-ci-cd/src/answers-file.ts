import { readFileSync } from 'node:fs';
import { UserError, jsonErrorMessage, type RawAnswers } from '@create-ml-ci-cd/core';

/**
 * Read an answers file: either a flat object of answers, or a project's recorded
 * `.create-ml-ci-cd.json` (its `answers` are used). Keys and types are checked by normalizeAnswers.
 */
export function readAnswersFile(path: string): RawAnswers {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT'
        ? `Answers file ${path} does not exist. Check the path passed to --answers.`
        : `Cannot read answers file ${path} (${code}). Pass a readable JSON file to --answers.`,
    );
  }
  text = text.replace(/^\uFEFF/, ''); // Windows editors may save a byte-order mark
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserError(`Answers file ${path} is not valid JSON (${jsonErrorMessage(error as Error, text)}). Fix it or pass the values as flags.`);
  }
  const isObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isObject(data)) throw new UserError(`Answers file ${path} must hold a JSON object such as {"name": "my-model"}.`);
  const record = data as Record<string, unknown>;
  if (record.generator !== 'create-ml-ci-cd') return record;
  if (!isObject(record.answers))
    throw new UserError(`Answers file ${path} is a create-ml-ci-cd record without an "answers" object. Restore it from git, or pass a plain answers file.`);
  return record.answers as RawAnswers;
}
