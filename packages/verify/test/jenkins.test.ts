import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { features, normalizeAnswers, renderProject, supports } from '@create-ml-ci-cd/core';
import { declarativeArgs, groovyJar, groovyLintArgs } from '../src/ci/jenkins.js';
import { workspaceRoot } from '../src/tasks/context.js';

// Jenkins cannot run here; what stands in for it is the lint and the structural check of the
// Declarative pipeline. These cases show that check fails, and says why, for each kind of mistake a
// template edit could make, and passes the Jenkinsfile the generator renders.

let project: string;
let good: string;

/** Render a --ci jenkins project with every feature Jenkins has stages for. */
beforeAll(() => {
  expect(existsSync(groovyJar), `${groovyJar}: run bash scripts/setup-tools.sh`).toBe(true);
  project = mkdtempSync(join(tmpdir(), 'jenkins-'));
  const answers = normalizeAnswers({ name: 'demo', ci: 'jenkins', features: features.filter((f) => supports(f, 'jenkins')).map((f) => f.name) });
  for (const [path, text] of renderProject(answers, join(workspaceRoot, 'templates'), '0.0.0-test')) {
    mkdirSync(dirname(join(project, path)), { recursive: true });
    writeFileSync(join(project, path), text);
  }
  good = readFileSync(join(project, 'Jenkinsfile'), 'utf8');
});

/** Write `text` as a Jenkinsfile beside the project's and run one of the checks on it. */
function run(kind: 'structure' | 'lint', text: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'jenkinsfile-')), 'Jenkinsfile');
  writeFileSync(file, text);
  const { command, args } = kind === 'structure' ? declarativeArgs(file, project) : groovyLintArgs(file);
  const r = spawnSync(command, args, { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** `text` with `from` replaced once; fails when `from` is not there (the template changed). */
function edit(from: string | RegExp, to: string): string {
  expect(good).toMatch(from);
  return good.replace(from, to);
}

describe('the Declarative structure check (Groovy AST)', () => {
  it('passes the rendered Jenkinsfile and names its stages and the scripts its sh steps run', () => {
    const r = run('structure', good);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/stages Install, Lint, Train, Test, Model report, Retrain.*Drift/);
    expect(r.out).toContain('src/report.py');
  });

  it('passes the Jenkinsfile of a project with no optional features too (lint and structure)', () => {
    const bare = mkdtempSync(join(tmpdir(), 'jenkins-bare-'));
    for (const [path, text] of renderProject(normalizeAnswers({ name: 'demo', ci: 'jenkins', features: [] }), join(workspaceRoot, 'templates'), '0.0.0-test')) {
      mkdirSync(dirname(join(bare, path)), { recursive: true });
      writeFileSync(join(bare, path), text);
    }
    const file = join(bare, 'Jenkinsfile');
    for (const { command, args } of [declarativeArgs(file, bare), groovyLintArgs(file)]) {
      const r = spawnSync(command, args, { cwd: bare, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    }
    expect(readFileSync(file, 'utf8')).not.toContain("stage('Deliver')");
  });

  it("calls only scripts GitLab's pipeline calls too, which run-workflow runs here (the same features)", () => {
    const r = run('structure', good);
    const scripts = /sh steps run (.*)$/m.exec(r.out)?.[1].split(', ') ?? [];
    expect(scripts.length, r.out).toBeGreaterThan(2);
    const answers = normalizeAnswers({ name: 'demo', ci: 'gitlab', features: features.filter((f) => supports(f, 'jenkins')).map((f) => f.name) });
    const gitlab = renderProject(answers, join(workspaceRoot, 'templates'), '0.0.0-test').get('.gitlab-ci.yml')!.toString();
    for (const script of scripts) expect(gitlab, script).toContain(script);
  });

  it.each([
    ['a typo in a directive', () => edit(/^ {2}options \{/m, '  optoins {'), /Jenkinsfile:\d+: pipeline: unknown directive `optoins` \(did you mean `options`\?\)/],
    ['a typo in a stage directive', () => edit("      when { changeRequest() }", '      whne { changeRequest() }'), /stage 'Model report': unknown directive `whne` \(did you mean `when`\?\)/],
    ['an unknown when condition', () => edit("      when { changeRequest() }", '      when { pullRequest() }'), /when: unknown directive `pullRequest`/],
    ['a stage with no steps', () => edit("    stage('Lint') {", "    stage('Empty') {\n      when { branch 'main' }\n    }\n\n    stage('Lint') {"), /Jenkinsfile:\d+: stage 'Empty' has no steps/],
    ['an empty steps block', () => edit(/( {4}stage\('Test'\) \{\n.*\n {6}steps \{\n)[^\n]*\n/, '$1'), /stage 'Test': steps is empty/],
    ['an unbalanced block', () => edit(/(UV_LINK_MODE = 'copy'\n) {2}\}\n/, '$1'), /Jenkinsfile:\d+:\d+: Groovy syntax error/],
    ['a sh step running a script the project does not have', () => edit("sh '.venv/bin/python src/lock.py check'", "sh 'python src/missing.py'"), /Jenkinsfile:\d+: stage 'Lint': sh runs src\/missing\.py, which the project does not have/],
    ['a script named in a sh step inside script { }', () => edit('        script {\n          // REGISTRY', "        script {\n          sh 'bash scripts/gone.sh --now'\n          // REGISTRY"), /sh runs scripts\/gone\.sh, which the project does not have/],
    ['no post section', () => edit(/\n {2}post \{\n[\s\S]*?\n {2}\}\n\}\n$/, '\n}\n'), /pipeline has no post section/],
    ['an image not pinned by digest', () => edit(/(image 'python:[\d.]+-slim)@sha256:[0-9a-f]{64}'/, "$1'"), /docker agent image python:[\d.]+-slim is not pinned by digest/],
    ['an environment entry that is not NAME = value', () => edit("    PYTHONUNBUFFERED = '1'", "    PYTHONUNBUFFERED '1'"), /pipeline: environment takes NAME = value/],
    ['the same directive twice', () => edit(/^ {2}options \{/m, '  triggers { pollSCM(\'H * * * *\') }\n  options {'), /pipeline: `triggers` appears twice/],
  ])('fails %s, saying so', (_name, broken, message) => {
    const r = run('structure', broken());
    expect(r.status, r.out).toBe(1);
    expect(r.out).toMatch(message);
  });
});

describe('npm-groovy-lint (verify/jenkins/groovylintrc.json)', () => {
  it('passes the rendered Jenkinsfile', () => {
    const r = run('lint', good);
    expect(r.status, r.out).toBe(0);
  });

  it('fails an unbalanced block', () => {
    const r = run('lint', edit(/(UV_LINK_MODE = 'copy'\n) {2}\}\n/, '$1'));
    expect(r.status, r.out).not.toBe(0);
    expect(r.out).toMatch(/1 error\(s\) have been found/);
  });
});
