module.exports = require('./left-out.ts').leftOut('lazystream', { members: ['Readable', 'Writable'] });
