/**
 * Entry of the bundled function host (assets/tools/local/function-host/index.js): the package's
 * bin forks it with plain node for each local Lambda instance (no tsx on a user's machine).
 */
import '../../scripts/local/lambda/function-host';
