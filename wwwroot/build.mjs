// Bundles the front end from npm packages into dist/ (run by MSBuild, see NanoChat.Appliance/FrontEnd.targets).
// One ES module per page family; CSS (ours + KaTeX's, with its fonts) into dist/app.css.
import * as esbuild from 'esbuild';
import { cpSync, rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });

await esbuild.build({
  entryPoints: { app: 'src/app.js', notebook: 'src/notebook.js', chat: 'src/chat.js', styles: 'css/app.css' },
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'esm',
  target: ['chrome110', 'firefox110', 'safari16'],
  outdir: 'dist',
  loader: { '.woff2': 'file', '.woff': 'file', '.ttf': 'file' },
  assetNames: 'fonts/[name]-[hash]',
  logLevel: 'warning',
});

// Files served as they are (icons).
cpSync('static', 'dist', { recursive: true });
