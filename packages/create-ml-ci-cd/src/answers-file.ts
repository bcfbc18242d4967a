import { readFileSync } from 'node:fs';
import { UserError, type RawAnswers } from '@create-ml-ci-cd/core';

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
      code === 'ENOENT' ? `Answers file ${path} does not exist. Check the path passed to --answers.` : `Cannot read answers file ${path} (${code}).`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserError(`Answers file ${path} is not valid JSON (${(error as Error).message}). Fix it or pass the values as flags.`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new UserError(`Answers file ${path} must hold a JSON object such as {"name": "my-model"}.`);
  const record = data as Record<string, unknown>;
  if (record.generator === 'create-ml-ci-cd' && typeof record.answers === 'object' && record.answers !== null) return record.answers as RawAnswers;
  return record;
}
