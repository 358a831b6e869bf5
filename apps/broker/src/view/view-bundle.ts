import { join } from "node:path";

/** The page's files, as served. */
export interface ViewAssets {
  html: string;
  js: string;
  css: string;
}

/** The page's sources: plain TypeScript and CSS, no framework. */
export const VIEW_WEB_DIR = join(import.meta.dir, "..", "..", "view-web");

/**
 * Bundles the page with Bun at start-up, into memory (tens of milliseconds, only
 * when the view is enabled): the image carries the sources and its Bun
 * builds them, so no build step or built file can fall out of date.
 */
export async function buildViewAssets(dir = VIEW_WEB_DIR): Promise<ViewAssets> {
  const result = await Bun.build({ entrypoints: [join(dir, "main.ts")], target: "browser", minify: true });
  const bundle = result.outputs[0];
  if (!result.success || !bundle) {
    throw new Error(`the live view's page did not build: ${result.logs.map(String).join("; ")}`);
  }
  const [js, css, html] = await Promise.all([
    bundle.text(),
    Bun.file(join(dir, "view.css")).text(),
    Bun.file(join(dir, "index.html")).text(),
  ]);
  return { html, js, css };
}
