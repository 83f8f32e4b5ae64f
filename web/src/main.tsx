import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { i18n } from './i18n/index.ts';

/** Draws the console (the boot calls it once the page's style sheet, if any, has loaded). */
export function start(): void {
  document.documentElement.lang = i18n.language;
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
