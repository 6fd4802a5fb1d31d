module.exports = require('./left-out.ts').leftOut('fast-csv', { members: ['parse', 'format'] });
