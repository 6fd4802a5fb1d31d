module.exports = require('./left-out.ts').leftOut('glob', { members: ['sync'] });
