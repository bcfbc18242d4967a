import { createHash } from 'node:crypto';

/** The record key holding the digest of the answers the project's files were last rendered with. */
export const ANSWERS_DIGEST = 'answersSha256';

/** JSON with object keys sorted, so that reformatting or reordering a record does not change its digest. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** sha256 of the answers: written beside them, so upgrade can tell answers edited by hand. */
export function answersDigest(answers: unknown): string {
  return createHash('sha256').update(canonical(answers)).digest('hex');
}

/** Whether two JSON values are equal whatever their key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}
