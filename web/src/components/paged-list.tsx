import type { ReactNode } from 'react';
import type { ApiPage } from '../api/api-client.ts';
import type { PagedApiState } from '../api/use-api.ts';
import { Loaded } from './loading.tsx';
import { Pagination } from './pagination.tsx';

/**
 * A list read with `usePagedApi`: the loading line or the API's error, `empty` in a card when
 * the list has nothing, otherwise `children` with the page's items and the page controls below.
 */
export function PagedList<T>({
  list,
  empty,
  children,
}: {
  list: PagedApiState<T>;
  empty: ReactNode;
  children: (items: T[], page: ApiPage<T>) => ReactNode;
}) {
  return (
    <Loaded state={list}>
      {(data) =>
        data.items.length === 0 ? (
          <div className="card empty">{empty}</div>
        ) : (
          <>
            {children(data.items, data)}
            <Pagination page={list.page} totalPages={data.totalPages} onPage={list.setPage} />
          </>
        )
      }
    </Loaded>
  );
}
