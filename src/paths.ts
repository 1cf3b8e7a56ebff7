// Where the project's folders are, found from the project root (the folder with package.json),
// so the same code runs from src/ (tsx) and compiled to dist/ (npm run build; npm run serve).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const rootDir = findRoot(path.dirname(fileURLToPath(import.meta.url)));
export const viewsDir = path.join(rootDir, 'views');
export const publicDir = path.join(rootDir, 'public');
export const nodeModulesDir = path.join(rootDir, 'node_modules');
export const localesDir = path.join(rootDir, 'src', 'locales');
