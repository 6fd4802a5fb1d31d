module.exports = require('./left-out.ts').leftOut('semver', { members: ['gte'] });
