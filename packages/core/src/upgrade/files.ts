/** Extensions of files that hold data or models: never merged as text, whatever their bytes look like. */
export const DATA_EXTENSIONS = [
  '.csv', '.tsv', '.parquet', '.feather', '.arrow', '.jsonl', '.npy', '.npz', '.h5', '.hdf5',
  '.pkl', '.pickle', '.joblib', '.onnx', '.pt', '.pth', '.safetensors', '.ckpt', '.db', '.sqlite',
  '.zip', '.gz', '.tar', '.png', '.jpg', '.jpeg', '.gif', '.pdf',
];

/** Byte-order marks of UTF-16 and UTF-32: text whose lines a byte-wise merge would cut in half. */
const WIDE_BOMS = [Buffer.from([0xff, 0xfe]), Buffer.from([0xfe, 0xff]), Buffer.from([0, 0, 0xfe, 0xff])];

/**
 * Data or binary: a data extension, a NUL byte in the first 8000 bytes (git's own test), or UTF-16/32
 * text (its byte-order mark), which may have no NUL at all. Other non-UTF-8 text (Latin-1, cp1252)
 * is text: it is merged byte for byte like any other.
 */
export function isData(path: string, ...contents: (Buffer | undefined)[]): boolean {
  const lower = path.toLowerCase();
  if (DATA_EXTENSIONS.some((ext) => lower.endsWith(ext))) return true;
  return contents.some((c) => c !== undefined && (c.subarray(0, 8000).includes(0) || WIDE_BOMS.some((bom) => c.subarray(0, bom.length).equals(bom))));
}

/** How a file ends its lines: `lf` (or no line break at all), `crlf` (every one), or `mixed`. */
export type LineEndings = 'lf' | 'crlf' | 'mixed';

export function lineEndings(content: Buffer): LineEndings {
  let crlf = 0;
  let lf = 0;
  for (let i = content.indexOf(10); i !== -1; i = content.indexOf(10, i + 1)) {
    if (i > 0 && content[i - 1] === 13) crlf++;
    else lf++;
  }
  return crlf === 0 ? 'lf' : lf === 0 ? 'crlf' : 'mixed';
}

// Line endings are converted on bytes (latin1 maps each byte to one character and back), so
// bytes that are not UTF-8 come back exactly as they were.
export function toLf(content: Buffer): Buffer {
  return Buffer.from(content.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
}

export function toCrlf(content: Buffer): Buffer {
  return Buffer.from(content.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

export function sameContent(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.equals(b));
}
