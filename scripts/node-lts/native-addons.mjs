// Preloaded (`--import`) by scripts/node-lts/test.sh when the suites run on another Node.js than
// the one the workspace was installed with: native addons that are not ABI-stable (not N-API) are
// resolved to copies built for this Node, so the installed tree, built for the default Node,
// stays as it is. PARLEY_NATIVE_ADDONS maps each addon's file name to the copy, e.g.
// `better_sqlite3.node=/abs/path/better_sqlite3.node`.
import { registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';

const copies = new Map(
  (process.env.PARLEY_NATIVE_ADDONS ?? '')
    .split(',')
    .filter(Boolean)
    .map((entry) => entry.split('=')),
);

registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    if (!resolved.url.startsWith('file:') || !resolved.url.endsWith('.node')) return resolved;
    const name = resolved.url.slice(resolved.url.lastIndexOf('/') + 1);
    const copy = copies.get(name);
    return copy ? { ...resolved, url: pathToFileURL(copy).href } : resolved;
  },
});
