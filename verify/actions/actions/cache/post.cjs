'use strict';
const c = require('./cache.cjs');

c.run(() => c.save({
  key: c.getState('CACHE_KEY'),
  patterns: c.lines(c.input('path')),
  matchedKey: c.getState('CACHE_RESULT'),
}));
