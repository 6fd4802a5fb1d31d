module.exports = require('./left-out.ts').leftOut('tar-stream', { members: ['pack', 'extract'] });
