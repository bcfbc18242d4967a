import { describe, expect, it } from 'vitest';
import { UserError, normalizeAnswers, validateName, versions } from '../src/index.js';

describe('normalizeAnswers', () => {
  it('fills defaults', () => {
    expect(normalizeAnswers({ name: 'demo' })).toEqual({
      name: 'demo',
      description: 'A machine-learning project with CI/CD',
      python: versions.python.default,
      features: [],
    });
  });

  it.each([
    [{ name: 'demo', colour: 'red' }, /unknown key "colour"/],
    [{ name: 'demo', python: '3.9' }, /Unsupported Python version "3.9"/],
    [{ name: 'demo', python: 3.12 }, /"python" must be a string/],
    [{ name: 'demo', features: ['gpu'] }, /unknown feature "gpu"/],
    [{ name: 'demo', features: 'dvc' }, /"features" must be a list/],
    [{}, /no project name/],
  ])('rejects %j', (raw, message) => {
    expect(() => normalizeAnswers(raw)).toThrow(UserError);
    expect(() => normalizeAnswers(raw)).toThrow(message);
  });
});

describe('validateName', () => {
  it.each(['demo', 'my-model', 'iris_classifier2', 'a'])('accepts %s', (name) => {
    expect(validateName(name)).toBe(name);
  });

  it.each([
    ['', /empty/],
    ['My-Model', /lowercase.*"my-model"/],
    ['my model', /Invalid project name/],
    ['2fast', /start with a letter/],
    ['.hidden', /Invalid project name/],
    ['..', /Invalid project name/],
    ['a/b', /Invalid project name/],
    ['café', /Invalid project name/],
    ['my--model', /Invalid project name/],
    ['class', /Python keyword/],
    ['json', /standard-library module "json"/],
    ['con', /reserved device name/],
    ['x'.repeat(101), /at most 100/],
  ])('rejects %j', (name, message) => {
    expect(() => validateName(name)).toThrow(message);
  });
});
