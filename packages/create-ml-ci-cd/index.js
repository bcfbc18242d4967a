#!/usr/bin/env node
// Node >= 22.1 keeps the compiled bundle in a cache (os.tmpdir()/node-compile-cache) between runs;
// Node 20 has no compile cache, so there this is a no-op. It must run before the bundle loads,
// hence the dynamic import.
import module from 'node:module';

module.enableCompileCache?.();
await import('./dist/cli.js');
