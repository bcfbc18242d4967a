import { EXIT, UserError } from '@create-ml-ci-cd/core';
import { err } from './style.js';

/** Entry point: dispatch, and turn every outcome into an exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    // `create-ml-ci-cd help [upgrade]` is help, not a project named "help" (`--name help` still makes one).
    if (argv[0] === 'help') argv = [...argv.slice(1), '--help'];
    if (argv[0] === 'upgrade') {
      const { upgrade } = await import('./upgrade.js');
      return await upgrade(argv.slice(1));
    }
    if (argv[0] === 'adopt') {
      const { upgrade } = await import('./upgrade.js');
      return await upgrade(argv.slice(1), undefined, true);
    }
    const { create } = await import('./create.js');
    return await create(argv);
  } catch (error) {
    if (error instanceof UserError) {
      console.error(`${err.red('create-ml-ci-cd:')} ${error.message}`);
      return error.exitCode;
    }
    // Choosing "Cancel" is an answer, not a failure: exit 0, so `npm create` prints no error block.
    if ((error as Error)?.name === 'Cancelled') {
      console.error('Cancelled; nothing was written.');
      return EXIT.ok;
    }
    // @inquirer/prompts rejects with ExitPromptError when the user presses Ctrl-C at a prompt.
    if ((error as Error)?.name === 'ExitPromptError') {
      console.error('Cancelled; nothing was written.');
      return EXIT.sigint;
    }
    console.error(error);
    console.error('create-ml-ci-cd: internal error. Please report it with the command you ran: https://github.com/create-ml-ci-cd/create-ml-ci-cd/issues');
    return EXIT.internal;
  }
}

process.exitCode = await main(process.argv.slice(2));
