import { describe, expect, it } from 'vitest';
import { compareVersions } from './version.js';

describe('compareVersions', () => {
  it('orders versions as semver does', () => {
    const sorted = ['0.1.0', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0', '1.2.0', '1.10.0', '2.0.0'];
    expect([...sorted].reverse().sort(compareVersions)).toEqual(sorted);
    expect(compareVersions('1.0.0+build', '1.0.0')).toBe(0);
  });
});
