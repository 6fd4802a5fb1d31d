module.exports = require('./left-out.ts').leftOut('graceful-fs', {
  members: ['createReadStream', 'existsSync', 'readdir', 'stat', 'statSync'],
});
