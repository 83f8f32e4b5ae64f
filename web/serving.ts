/**
 * How the built console is cached, the same from the local runtime as from CloudFront (the Cache-Control of its S3
 * objects): the page is revalidated on every visit, so a new build reaches every browser at once; the build's
 * assets (web/dist/assets) are named by their content hash, so each is kept for good and a return visit fetches
 * nothing but the page and its API answers.
 */
export const PAGE_CACHE_CONTROL = 'no-cache';
export const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/** Where the hashed assets are served (Vite's `build.assetsDir`). */
export const ASSETS_PATH = '/assets/';
/** The id of index.html's JSON script naming each page's style sheet (web/page-styles.ts; the boot reads it). */
export const PAGE_SHEETS_ID = 'page-sheets';
