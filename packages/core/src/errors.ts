/**
 * A mistake the user can fix: printed as one line (no stack trace) and mapped to an exit code.
 * Anything else that is thrown is an internal error.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Documented exit codes (README "Exit codes"). */
export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2, // bad flag, name, answers file or target directory
  conflicts: 3, // upgrade left merge conflicts
  behind: 4, // upgrade --check: project is behind or drifted
  install: 5, // the project was written but installing its dependencies failed
  sigint: 130,
  sigterm: 143,
} as const;

/**
 * V8's JSON.parse message, on one line: it may quote the whole input (newlines included), so keep
 * the part before the quote and turn "at position N" into a line and column.
 */
export function jsonErrorMessage(error: Error, text: string): string {
  const message = error.message.split(/, "|\n/)[0];
  const at = /(.*) at position (\d+)/.exec(message);
  if (!at) return message;
  const before = text.slice(0, Number(at[2])).split('\n');
  return `${at[1]} at line ${before.length}, column ${before.at(-1)!.length + 1}`;
}
