module.exports = require('./left-out.ts').leftOut('readdir-glob');
