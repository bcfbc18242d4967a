import type { Feature } from './index.js';

export const upgradeBot: Feature<'upgrade-bot'> = {
  name: 'upgrade-bot',
  label: 'Weekly create-ml-ci-cd upgrade pull request',
  // Only adds its own workflow (and a README section): nothing another feature renders.
  independent: true,
  // Its workflow opens pull requests through the GitHub API; GitLab CI has no upgrade job yet.
  providers: ['github'],
};
