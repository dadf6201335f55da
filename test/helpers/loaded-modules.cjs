// Preloaded with `node -r`: on exit, writes the CommonJS modules this process loaded to the file
// named by OKTA_AWS_TEST_MODULES (oclif is CommonJS, so loading it shows up here).
'use strict';
const { writeFileSync } = require('node:fs');
process.on('exit', () => {
  if (process.env.OKTA_AWS_TEST_MODULES) writeFileSync(process.env.OKTA_AWS_TEST_MODULES, JSON.stringify(Object.keys(require.cache)));
});
