module.exports = require('./left-out.ts').leftOut('lodash.isplainobject');
