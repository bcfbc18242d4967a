import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RECORD_FILE, ciNames, features, normalizeAnswers, outputPath, renderProject, supports } from '../src/index.js';

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

describe('package managers', () => {
  const all = ['dvc', 'mlflow', 'docker'];
  const workflows = (packageManager: string) =>
    [...renderProject(normalizeAnswers({ name: 'demo', packageManager, features: all }), templates, '1.2.3')].filter(([path]) =>
      path.startsWith('.github/workflows/'),
    );

  it('installs with uv in every job that installs, from the lock with hashes, from setup-uv pinned by SHA, and pip nowhere', () => {
    const installing = workflows('uv').filter(([, c]) => c.toString().includes('- name: Install dependencies'));
    expect(installing.map(([p]) => p).sort()).toEqual(['.github/workflows/drift.yml', '.github/workflows/ml_pipeline.yml', '.github/workflows/retrain.yml']);
    for (const [path, contents] of installing) {
      const text = contents.toString();
      const jobsInstalling = text.match(/- name: Install dependencies\n(?: {8}if: .*\n)? {8}run: (.*)/g)!;
      for (const step of jobsInstalling) expect(step, path).toMatch(/run: uv pip sync --require-hashes requirements(-dev)?\.lock$/);
      expect(text.match(/uses: astral-sh\/setup-uv@/g)?.length, path).toBe(jobsInstalling.length);
      expect(text, path).toMatch(/uses: astral-sh\/setup-uv@[0-9a-f]{40} # v\d+\.\d+\.\d+\n/);
      expect(text, path).not.toMatch(/setup-python|pip install(?! -r)|python -m pip/);
    }
  });

  it('installs with pip from setup-python when asked, from the lock with hashes, and uv nowhere', () => {
    for (const [path, contents] of workflows('pip')) {
      const text = contents.toString();
      expect(text, path).not.toMatch(/setup-uv|uv pip/);
      const installs = text.match(/run: python -m pip install.*/g) ?? [];
      expect(installs.length, path).toBe(text.match(/uses: actions\/setup-python@/g)?.length ?? 0);
      for (const step of installs) expect(step, path).toMatch(/^run: python -m pip install --require-hashes --no-deps -r requirements(-dev)?\.lock$/);
    }
  });

  it('installs the base branch from its own lock on a pull request, and an older base from its requirements.txt', () => {
    for (const pm of ['uv', 'pip']) {
      const files = new Map(renderProject(normalizeAnswers({ name: 'demo', packageManager: pm }), templates, '1.2.3'));
      const step = /- name: Install the base branch's requirements\n[\s\S]*?\n\n/.exec(files.get('.github/workflows/ml_pipeline.yml')!.toString())?.[0];
      expect(step, pm).toMatch(/working-directory: \.base\n/);
      expect(step, pm).toMatch(/if \[ -f requirements\.lock \]; then\n.*--require-hashes.*requirements\.lock\n\s+else\n.*-r requirements\.txt\n\s+fi\n/);
    }
  });

  it('keeps the dependency cache off in the workflow that publishes the image, and where secrets are', () => {
    for (const pm of ['uv', 'pip']) {
      const pipeline = new Map(workflows(pm)).get('.github/workflows/ml_pipeline.yml')!.toString();
      expect(pipeline, pm).not.toMatch(/enable-cache: true|cache: pip/);
      const retrain = new Map(workflows(pm)).get('.github/workflows/retrain.yml')!.toString();
      expect(retrain, pm).toMatch(pm === 'uv' ? /enable-cache: true/ : /cache: pip/);
    }
  });

  it('renders nothing from templates/_partials as a file', () => {
    expect([...renderProject(normalizeAnswers({ name: 'demo', features: all }), templates, '1.2.3').keys()].filter((p) => p.includes('_partials'))).toEqual([]);
  });
});

describe('a template that throws', () => {
  it('is reported with its file and line, though templates render without line tracking', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmlcicd-templates-'));
    mkdirSync(join(dir, 'base'));
    writeFileSync(join(dir, 'base/ok.txt.ejs'), 'name: <%- name %>\n');
    writeFileSync(join(dir, 'base/broken.txt.ejs'), 'one\ntwo\n<%- noSuchHelper() %>\n');
    const answers = normalizeAnswers({ name: 'demo' });
    expect(() => renderProject(answers, dir, '1.2.3')).toThrow(/broken\.txt\.ejs:3[\s\S]*noSuchHelper is not defined/);
  });
});

describe('CI providers', () => {
  const all = features.map((f) => f.name);
  it('renders .gitlab-ci.yml and nothing under .github/ for --ci gitlab, with every feature it has jobs for', () => {
    for (const combo of [[], features.filter((f) => supports(f, 'gitlab')).map((f) => f.name)]) {
      const files = [...renderProject(normalizeAnswers({ name: 'demo', ci: 'gitlab', features: combo }), templates, '0.1.0').keys()];
      expect(files).toContain('.gitlab-ci.yml');
      expect(files.filter((f) => f.startsWith('.github/'))).toEqual([]);
    }
  });
  it('renders one Jenkinsfile and no GitHub or GitLab file for --ci jenkins, with every feature it has stages for', () => {
    const jenkins = features.filter((f) => supports(f, 'jenkins')).map((f) => f.name);
    // Kubeflow and the upgrade bot have no Jenkins stages; everything else does.
    expect(jenkins).toEqual(all.filter((f) => f !== 'kubeflow' && f !== 'upgrade-bot'));
    for (const combo of [[], jenkins]) {
      const out = renderProject(normalizeAnswers({ name: 'demo', ci: 'jenkins', features: combo }), templates, '0.1.0');
      const files = [...out.keys()];
      expect(files).toContain('Jenkinsfile');
      expect(files.filter((f) => f.startsWith('.github/') || f.startsWith('.gitlab') )).toEqual([]);
      const text = out.get('Jenkinsfile')!.toString();
      const readme = out.get('README.md')!.toString();
      expect(text).toMatch(/image 'python:[\d.]+-slim@sha256:[0-9a-f]{64}'/);
      expect(text).toContain("cron(env.BRANCH_NAME == 'main' ? 'TZ=UTC\\n0 6 * * 1' : '')");
      expect(readme).toContain('## Jenkins');
      expect(readme).toContain('Jenkins itself was not run');
      expect(readme).not.toContain('## GitLab CI');
      // Credentials only for what a feature needs.
      expect(text.includes("credentials('mlflow-tracking')")).toBe(combo.includes('mlflow'));
      expect(text.includes("stage('Deliver')")).toBe(combo.includes('docker'));
    }
  });
  it("lists in the README's Layout only files the project has, for every CI provider", () => {
    for (const ci of ciNames)
      for (const combo of [[], features.filter((f) => supports(f, ci)).map((f) => f.name)]) {
        const out = renderProject(normalizeAnswers({ name: 'demo', ci, features: combo }), templates, '0.1.0');
        const layout = /\n## Layout\n([\s\S]*?)\n## /.exec(out.get('README.md')!.toString())![1];
        const paths = [...layout.matchAll(/^\| (.+?) \|/gm)].flatMap((m) => [...m[1].matchAll(/`([^`]+)`/g)].map((p) => p[1]));
        expect(paths.length, `${ci} ${combo}`).toBeGreaterThan(10);
        // dvc.lock and .venv-style outputs appear once the pipeline ran; everything else is rendered.
        const missing = paths.filter((p) => p !== 'dvc.lock' && ![...out.keys()].some((f) => f === p || f.startsWith(p.endsWith('/') ? p : `${p}/`) || (p.includes('*') && new RegExp(`^${p.replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}$`).test(f))));
        expect(missing, `${ci} with ${combo.join(', ') || 'no features'}`).toEqual([]);
      }
  });

  it('refuses a feature with no Jenkins stages', () => {
    expect(() => normalizeAnswers({ name: 'demo', ci: 'jenkins', features: ['kubeflow'] })).toThrow(/kubeflow is not available with Jenkins yet/);
  });
  it('renders no GitLab file for github, the default, and records the provider', () => {
    const out = renderProject(normalizeAnswers({ name: 'demo', features: all }), templates, '0.1.0');
    expect([...out.keys()].filter((f) => f === '.gitlab-ci.yml' || f.startsWith('.gitlab/'))).toEqual([]);
    expect([...out.keys()]).toContain('.github/workflows/ml_pipeline.yml');
    expect(JSON.parse(out.get('.create-ml-ci-cd.json')!.toString()).answers.ci).toBe('github');
  });
});
