import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ejs from 'ejs';
import { ciProvider, rendersFor } from './ci/index.js';
import { feature, features, type Feature, type FeatureName } from './features/index.js';
import { lockPath, renderLock } from './lock.js';
import { importName, type Answers } from './options.js';
import { ANSWERS_DIGEST, answersDigest } from './upgrade/digest.js';
import { action, other, pin, versions } from './versions.js';

/** Where a project records how it was generated; upgrade reads it back. */
export const RECORD_FILE = '.create-ml-ci-cd.json';

export interface ProjectRecord {
  /** Documentation for whoever opens the file. */
  $comment: string;
  generator: 'create-ml-ci-cd';
  version: string;
  answers: Answers;
  /** sha256 of `answers`: upgrade notices answers edited by hand. */
  [ANSWERS_DIGEST]: string;
}

export function projectRecord(answers: Answers, version: string): ProjectRecord {
  return {
    $comment: 'Written by create-ml-ci-cd. `npx create-ml-ci-cd upgrade` reads it to re-render the templates; keep it in git.',
    generator: 'create-ml-ci-cd',
    version,
    answers,
    [ANSWERS_DIGEST]: answersDigest(answers),
  };
}

/**
 * The values every template sees. Templates insert user text only through `q()` (a JSON string
 * literal, which is also a valid YAML, TOML and Python string), never with `<%=` (HTML escaping).
 */
export function templateContext(answers: Answers, version: string) {
  const enabled = new Set<string>(answers.features);
  return {
    ...answers,
    module: importName(answers.name),
    /** The command that installs from a requirements file into the active environment. */
    pipInstall: answers.packageManager === 'uv' ? 'uv pip install' : 'python -m pip install',
    generatorVersion: version,
    /** The CI provider's name for people (`GitHub Actions`, `GitLab CI`, `Jenkins`). */
    ciLabel: ciProvider(answers.ci).label,
    has: (name: FeatureName) => (feature(name), enabled.has(name)),
    q: (s: string) => JSON.stringify(s),
    // What each feature derives for every template (e.g. dvc's `dvcLogin`: the remote's kind, plugin and login).
    ...Object.assign({}, ...features.map((f: Feature) => f.context?.(answers, enabled.has(f.name)) ?? {})),
    pin,
    action,
    other,
    pythonVersions: versions.python.supported,
    requirements: [...new Set(features.filter((f) => enabled.has(f.name)).flatMap((f) => f.requirements ?? []))],
    gitignore: [...features.filter((f) => enabled.has(f.name)).flatMap((f) => f.gitignore ?? []), ...(ciProvider(answers.ci).gitignore ?? [])],
  };
}

/** A layer's folder of slot fillings (see `slot` in renderProject): rendered into other files, never on their own. */
const SLOTS = '_slots';

/** Template file name -> output file name: the only two naming rules (`_gitignore`, `.ejs`). */
export function outputPath(templatePath: string): string {
  return templatePath
    .replace(/\.ejs$/, '')
    .split('/')
    .map((part) => (part === '_gitignore' ? '.gitignore' : part))
    .join('/');
}

/**
 * Every file below `dir` as a `/`-separated relative path, sorted. Walked by hand rather than with
 * `readdirSync({ recursive: true })`: Yarn's Plug'n'Play serves the package from a zip file system
 * whose entries have no `parentPath`.
 */
function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((d) => {
      const path = prefix ? `${prefix}/${d.name}` : d.name;
      return d.isDirectory() ? listFiles(dir, path) : d.isFile() ? [path] : [];
    })
    .sort();
}

/**
 * One template. Without ejs's line tracking (compileDebug), which makes every template's code
 * larger and the whole render about a tenth slower; a template that throws is rendered again with
 * it, so the error still names the template line.
 */
function renderTemplate(template: string, context: ejs.Data, options: ejs.Options): string {
  try {
    return ejs.render(template, context, { ...options, compileDebug: false, async: false });
  } catch {
    return ejs.render(template, context, { ...options, async: false });
  }
}

/**
 * Render the whole project in memory: `templates/base` plus `templates/<feature>` for each enabled
 * feature, then the CI provider's layer (`templates/gitlab`), each without the files other providers own (`templates/_partials` holds what templates include). Files ending in `.ejs` are rendered; everything else (data, binaries) is copied byte for
 * byte; each `requirements*.txt` is followed by its `requirements*.lock`. Returns output path -> contents, sorted by path.
 */
export function renderProject(answers: Answers, templatesDir: string, version: string): Map<string, Buffer> {
  // Steps several files share (`include('python-env.yml.ejs', {...})`); never rendered on their own.
  const partials = join(templatesDir, '_partials');
  // The CI provider's own layer comes last; any layer's file that another provider owns (`.github/`
  // for GitLab projects) is left out.
  const providerLayer = ciProvider(answers.ci).layer;
  const layers = ['base', ...answers.features, ...(providerLayer ? [providerLayer] : [])];
  const render = (path: string) => renderTemplate(readFileSync(path, 'utf8'), context, { filename: path, views: [partials], strict: false });
  const context = {
    ...templateContext(answers, version),
    /**
     * A named place in a shared template (`<%- slot('readme-generated') %>`) that each enabled
     * feature, then the CI provider's layer, fills from its own folder, `templates/<layer>/_slots/<name>.ejs`,
     * in that order: a feature's (or provider's) section of a shared file lives with it.
     */
    slot: (name: string) =>
      layers
        .slice(1)
        .map((f) => join(templatesDir, f, SLOTS, `${name}.ejs`))
        .filter((path) => existsSync(path))
        .map(render)
        .join(''),
  };
  const out = new Map<string, Buffer>();
  for (const layer of layers) {
    const root = join(templatesDir, layer);
    for (const file of listFiles(root).filter((f) => !f.startsWith(`${SLOTS}/`))) {
      const target = outputPath(file);
      if (!rendersFor(answers.ci, target)) continue;
      if (out.has(target)) throw new Error(`templates/${layer}/${file} collides with another layer's ${target}`);
      out.set(target, file.endsWith('.ejs') ? Buffer.from(render(join(root, file))) : readFileSync(join(root, file)));
    }
  }
  // Each requirements*.txt gets its lock (requirements*.lock), cut from versions.lock.json.
  const requirements = new Map([...out].filter(([path]) => /^requirements[^/]*\.txt$/.test(path)).map(([path, text]) => [path, text.toString('utf8')]));
  for (const file of requirements.keys()) out.set(lockPath(file), Buffer.from(renderLock(file, requirements)));
  out.set(RECORD_FILE, Buffer.from(`${JSON.stringify(projectRecord(answers, version), null, 2)}\n`));
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}
