/** Extensions of files that hold data or models: never merged as text, whatever their bytes look like. */
export const DATA_EXTENSIONS = [
  '.csv', '.tsv', '.parquet', '.feather', '.arrow', '.jsonl', '.npy', '.npz', '.h5', '.hdf5',
  '.pkl', '.pickle', '.joblib', '.onnx', '.pt', '.pth', '.safetensors', '.ckpt', '.db', '.sqlite',
  '.zip', '.gz', '.tar', '.png', '.jpg', '.jpeg', '.gif', '.pdf',
];

/** Data or binary: a data extension, or a NUL byte in the first 8000 bytes (git's own test). */
export function isData(path: string, ...contents: (Buffer | undefined)[]): boolean {
  const lower = path.toLowerCase();
  if (DATA_EXTENSIONS.some((ext) => lower.endsWith(ext))) return true;
  return contents.some((c) => c !== undefined && c.subarray(0, 8000).includes(0));
}

export function hasCrlf(content: Buffer): boolean {
  return content.includes('\r\n');
}

export function toLf(content: Buffer): Buffer {
  return Buffer.from(content.toString('utf8').replace(/\r\n/g, '\n'));
}

export function toCrlf(content: Buffer): Buffer {
  return Buffer.from(content.toString('utf8').replace(/\r?\n/g, '\r\n'));
}

export function sameContent(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.equals(b));
}
