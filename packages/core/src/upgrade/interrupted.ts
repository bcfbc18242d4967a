import { constants } from 'node:os';
import { UserError } from '../errors.js';

/**
 * A signal (Ctrl-C, SIGTERM) stopped a step, typically by killing the child process it ran (the
 * terminal signals the whole process group). Exit code 128 + the signal's number, as a shell reports it.
 */
export class Interrupted extends UserError {
  constructor(
    readonly signal: NodeJS.Signals,
    message = `Interrupted (${signal}).`,
  ) {
    super(message, 128 + (constants.signals[signal] ?? 0));
    this.name = 'Interrupted';
  }
}

/** Throw Interrupted when a child process was killed by a signal. */
export function throwIfSignalled(result: { signal: NodeJS.Signals | null }): void {
  if (result.signal) throw new Interrupted(result.signal);
}
