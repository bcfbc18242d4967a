import { describe, expect, it } from 'vitest';
import { UserError, normalizeAnswers, validateCron, validateName, versions } from '../src/index.js';

describe('normalizeAnswers', () => {
  it('fills defaults', () => {
    expect(normalizeAnswers({ name: 'demo' })).toEqual({
      name: 'demo',
      description: 'A machine-learning project with CI/CD',
      python: versions.python.default,
      packageManager: 'uv',
      ci: 'github',
      retrainCron: '0 6 * * 1',
      features: [],
    });
  });

  it('reads a record from before --ci (no "ci" key) as a GitHub project', () => {
    const old = { name: 'demo', description: 'd', python: '3.12', packageManager: 'pip', retrainCron: '0 6 * * 1', features: ['dvc'] };
    expect(normalizeAnswers(old, '.create-ml-ci-cd.json')).toMatchObject({ ...old, ci: 'github' });
  });

  it.each([
    [{ name: 'demo', colour: 'red' }, /unknown key "colour"/],
    [{ name: 'demo', python: '3.9' }, /^answers: unsupported Python version "3.9" \("python"\): use one of 3\.11, /],
    [{ name: 'demo', python: 3.12 }, /"python" must be a string/],
    [{ name: 'demo', features: ['gpu'] }, /unknown feature "gpu"/],
    [{ name: 'demo', features: 'dvc' }, /"features" must be a list/],
    [{}, /no project name/],
    [{ name: 'demo', packageManager: 'npm' }, /^answers: unsupported package manager "npm" \("packageManager"\): use uv or pip\.$/],
    [{ name: 'demo', description: 'two\nlines' }, /^answers: the description \("description"\) must be one line/],
    [{ name: 'demo', packageManager: 'UV' }, /unsupported package manager "UV"/],
    [{ name: 'demo', packageManager: true }, /"packageManager" must be a string/],
    [{ name: 'demo', ci: 'travis' }, /^answers: unsupported CI provider "travis" \("ci"\): use one of github, gitlab, jenkins\.$/],
    [{ name: 'demo', ci: 'gitlab', features: ['upgrade-bot'] }, /^answers: upgrade-bot is not available with GitLab CI yet \(its jobs exist for github only\); drop --upgrade-bot or use --ci github\.$/],
    [{ name: 'demo', ci: 'gitlab', python: '3.14' }, /GitLab CI \("ci"\) with Python 3\.14 needs the image python:3\.14-slim/],
    [{ name: 'demo', retrainCron: '0 6 * *' }, /invalid retrain cron "0 6 \* \*": it has 4 fields, not 5/],
    [{ name: 'demo', retrainCron: '60 6 * * 1' }, /the minute must be between 0 and 59/],
    [{ name: 'demo', retrainCron: '0 6 * * MON' }, /day of week field "MON" is not a number/],
    [{ name: 'demo', retrainCron: '0 9-5 * * 1' }, /hour range "9-5" runs backwards/],
  ])('rejects %j', (raw, message) => {
    expect(() => normalizeAnswers(raw)).toThrow(UserError);
    expect(() => normalizeAnswers(raw)).toThrow(message);
  });
});

describe('validateCron', () => {
  it.each([
    ['0 6 * * 1', '0 6 * * 1'],
    ['  */15   0-23/2 1,15 * 1-5 ', '*/15 0-23/2 1,15 * 1-5'],
  ])('accepts %j', (cron, normalized) => {
    expect(validateCron(cron)).toBe(normalized);
    expect(normalizeAnswers({ name: 'demo', retrainCron: cron }).retrainCron).toBe(normalized);
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
