import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RECORD_FILE, normalizeAnswers, outputPath, renderProject } from '../src/index.js';

const templates = fileURLToPath(new URL('../../../templates', import.meta.url));

describe('outputPath', () => {
  it('applies the two naming rules only', () => {
    expect(outputPath('_gitignore')).toBe('.gitignore');
    expect(outputPath('_gitignore.ejs')).toBe('.gitignore');
    expect(outputPath('src/train.py.ejs')).toBe('src/train.py');
    expect(outputPath('data/iris.csv')).toBe('data/iris.csv');
    expect(outputPath('docs/_gitignore_notes.md')).toBe('docs/_gitignore_notes.md');
  });
});

describe('renderProject', () => {
  const answers = normalizeAnswers({ name: 'demo', description: 'Iris "quoted"' });
  const files = renderProject(answers, templates, '1.2.3');

  it('records the answers and the generator version', () => {
    const record = JSON.parse(files.get(RECORD_FILE)!.toString());
    expect(record).toMatchObject({ generator: 'create-ml-ci-cd', version: '1.2.3', answers });
  });

  it('leaves no template syntax or .ejs suffix in the output', () => {
    for (const [path, contents] of files) {
      expect(path).not.toMatch(/\.ejs$|(^|\/)_gitignore$/);
      if (!path.endsWith('.csv')) expect(contents.toString(), path).not.toMatch(/<%|%>/);
    }
  });

  it('is deterministic', () => {
    expect(renderProject(answers, templates, '1.2.3')).toEqual(files);
  });
});
