/**
 * Colour for the CLI's own lines, following the conventions every terminal tool shares:
 * FORCE_COLOR (anything but "0") turns it on, NO_COLOR (any non-empty value) off, and otherwise
 * only a terminal gets it. Nothing is loaded for it.
 */
export function colours(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env) {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' ? env.FORCE_COLOR !== '0' : undefined;
  const on = forced ?? (!env.NO_COLOR && stream.isTTY === true);
  const paint = (open: number, close: number) => (text: string) => (on ? `\x1b[${open}m${text}\x1b[${close}m` : text);
  return { bold: paint(1, 22), dim: paint(2, 22), green: paint(32, 39), red: paint(31, 39), yellow: paint(33, 39) };
}

export const out = colours(process.stdout);
export const err = colours(process.stderr);
