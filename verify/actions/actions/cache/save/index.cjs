'use strict';
const c = require('../cache.cjs');

c.run(() => c.save({ key: c.input('key'), patterns: c.lines(c.input('path')), matchedKey: '' }));
