/**
 * Renders each page's style sample (page-styles.tsx) with the console's theme, as the browser would, and prints
 * `{ [sheet]: css }` as JSON: the styles Ant Design generated, each page's with the map of their cache paths, so
 * that the browser's Ant Design knows them as loaded from a file. Run by the build (web/page-styles.ts) in a
 * process of its own with NODE_ENV=production: antd's development build names its classes apart.
 */
import { createCache, extractStyle, StyleProvider } from '@ant-design/cssinjs';
import { ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { renderToString } from 'react-dom/server';
import { PAGE_STYLE_SAMPLES } from './page-styles.tsx';
import { consoleTheme } from './theme.ts';

const sheets: Record<string, string> = {};
for (const [sheet, sample] of Object.entries(PAGE_STYLE_SAMPLES)) {
  const cache = createCache();
  renderToString(
    <StyleProvider cache={cache}>
      <ConfigProvider locale={zhCN} theme={consoleTheme(true)}>
        {sample()}
      </ConfigProvider>
    </StyleProvider>,
  );
  // only the components' styles: the theme's CSS variables are the browser's to inject (they carry no cache path)
  sheets[sheet] = extractStyle(cache, { plain: true, types: ['style'] });
}
console.log(JSON.stringify(sheets));
