// `npm pack` / `npm publish` (prepack): the package's README is the user part of the repository's
// (from "## Using it" up to "## Developing"), so the options table has one source. Not part of the
// build, so that editing the repository's README does not invalidate every verified scenario.
import { readFileSync, writeFileSync } from 'node:fs';

const here = (path) => new URL(path, import.meta.url);
const readme = readFileSync(here('../../README.md'), 'utf8');
const [from, to] = [readme.indexOf('## Using it'), readme.indexOf('## Developing')];
if (from < 0 || to < from) throw new Error('readme.mjs: README.md has no "## Using it" ... "## Developing" part to ship.');
const { description } = JSON.parse(readFileSync(here('package.json'), 'utf8'));
writeFileSync(here('README.md'), `# create-ml-ci-cd\n\n${description}\n\n${readme.slice(from, to).trimEnd()}\n`);
