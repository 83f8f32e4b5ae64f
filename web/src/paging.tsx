import { Button, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Cursor paging of a list route: the cursor of each page seen so far, so "previous" needs no second cursor. */
export function useCursorPages() {
  // cursors[i] opens page i; page 0 has none
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [pageIndex, setPageIndex] = useState(0);
  return {
    cursor: cursors[pageIndex],
    pageIndex,
    /** back to the first page (a filter changed) */
    reset: () => {
      setCursors([undefined]);
      setPageIndex(0);
    },
    previous: () => setPageIndex((i) => i - 1),
    /** to the page `cursor` (the current page's answer) opens */
    next: (cursor: string | undefined) => {
      setCursors((c) => [...c.slice(0, pageIndex + 1), cursor]);
      setPageIndex((i) => i + 1);
    },
  };
}

/** Previous / page n / next under a cursor-paged table; `nextCursor` is the current page's, absent on the last. */
export function CursorPager({
  pages,
  nextCursor,
}: {
  pages: ReturnType<typeof useCursorPages>;
  nextCursor: string | undefined;
}) {
  const { t } = useTranslation();
  return (
    <Space>
      <Button disabled={pages.pageIndex === 0} onClick={pages.previous}>
        {t('common.previous')}
      </Button>
      <Typography.Text>{t('common.pageN', { n: pages.pageIndex + 1 })}</Typography.Text>
      <Button disabled={!nextCursor} onClick={() => pages.next(nextCursor)}>
        {t('common.next')}
      </Button>
    </Space>
  );
}
