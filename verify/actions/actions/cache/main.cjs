'use strict';
const c = require('./cache.cjs');

c.run(() => c.restore({ stateForPost: true }));
