/**
 * Where the console's routes live in its URLs: in the path (`/cases/abc`, the default), or after `#`
 * (`/#/cases/abc`) where the host cannot answer every client-side path with index.html (CloudFront in the China
 * regions). The deployment says which in index.html: `<meta name="console-routing" content="hash">`
 * (infra/constructs/console-hosting.ts, withHashRouting).
 */
export function routingOf(doc: Document): 'hash' | 'path' {
  return doc.querySelector('meta[name="console-routing"]')?.getAttribute('content') === 'hash'
    ? 'hash'
    : 'path';
}
