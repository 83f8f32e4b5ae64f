/**
 * The console's Ant Design theme: government-console blue. Every colour text is drawn in passes WCAG AA contrast
 * (axe): antd's hover and active blues are lighter than the primary (white on them fails), its tertiary text
 * (description labels) and its success green (tag text on its pale background) are too light, so each is set darker
 * here. Kept free of React and Ant Design: the boot reads `prefersMotion`, the build renders the page sheets with
 * the same theme (web/page-styles.ts).
 */
export function consoleTheme(motion: boolean) {
  return {
    // a fixed key, not React's useId: the classes and styles the build extracts are the ones the browser draws
    cssVar: { key: 'console' },
    token: {
      colorPrimary: '#1d4ed8',
      colorPrimaryHover: '#1e40af',
      colorPrimaryActive: '#1e3a8a',
      colorLink: '#1d4ed8',
      colorLinkHover: '#1e40af',
      colorLinkActive: '#1e3a8a',
      colorTextTertiary: 'rgba(0, 0, 0, 0.6)',
      colorSuccess: '#237804',
      colorSuccessBg: '#f6ffed',
      colorSuccessBorder: '#b7eb8f',
      colorError: '#cf1322',
      colorTextSecondary: 'rgba(0, 0, 0, 0.65)',
      colorTextDescription: 'rgba(0, 0, 0, 0.65)',
      colorTextPlaceholder: 'rgba(0, 0, 0, 0.55)',
      // a user who asks the system for reduced motion gets no transitions (toasts, dialogs, tabs appear at once)
      motion,
    },
  };
}

/** Whether the user's system allows motion (a browser's setting; the build assumes it does). */
export const prefersMotion = () => !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
