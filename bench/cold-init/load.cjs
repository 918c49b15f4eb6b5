// Child process of the cold-init measurement. With a file argument it loads that module as
// Lambda's runtime loads a handler (require, top-level code runs, the export is looked up);
// without one it does nothing: the empty process the ratio is taken against. Both start the
// same way, so the difference is the module's own init.
const file = process.argv[2];
if (file) {
  const handler = require(file).handler;
  if (typeof handler !== 'function') {
    process.stderr.write(`${file} exports no handler\n`);
    process.exit(2);
  }
}
