module.exports = require('./left-out.ts').leftOut('dayjs', { members: ['utc'], chainable: ['extend'] });
