#!/usr/bin/env node
// Entry point of the `nichesim` command: the compiled CLI lives in dist/ (built by `npm ci` via the prepare script).
import('../dist/cli/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
    console.error('nichesim: the compiled CLI is missing (dist/cli/main.js). Run `npm ci` (or `npm run build`) in the nichesim folder first.');
    process.exit(2);
  }
  throw err;
});
