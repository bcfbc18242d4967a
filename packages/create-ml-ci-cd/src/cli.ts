import { EXIT, UserError } from '@create-ml-ci-cd/core';

/** Entry point: dispatch, and turn every outcome into an exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    if (argv[0] === 'upgrade') {
      const { upgrade } = await import('./upgrade.js');
      return await upgrade(argv.slice(1));
    }
    const { create } = await import('./create.js');
    return await create(argv);
  } catch (error) {
    if (error instanceof UserError) {
      console.error(`create-ml-ci-cd: ${error.message}`);
      return error.exitCode;
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
