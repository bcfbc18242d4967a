import Generator, { type BaseOptions } from 'yeoman-generator';
import { renderProject, type Answers } from '@create-ml-ci-cd/core';

export interface AppOptions {
  answers: Answers;
  templatesDir: string;
  version: string;
}

/**
 * The Yeoman generator: writes the rendered project into its destination through Yeoman's
 * in-memory file system, which commits it to disk at the end of the run. Prompts, git and
 * dependency installation belong to the CLI, so the generator is the same for create, verify and
 * upgrade.
 */
export default class AppGenerator extends Generator<Record<string, never>, AppOptions & BaseOptions> {
  writing(): void {
    const { answers, templatesDir, version } = this.options;
    for (const [path, contents] of renderProject(answers, templatesDir, version)) {
      this.fs.write(this.destinationPath(path), contents);
    }
  }
}
