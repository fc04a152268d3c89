import { type RefObject, useCallback, useLayoutEffect, useState } from 'react';

/** Where a scrolling box is scrolled to and how tall it is, for drawing only the rows in view. */
export interface ScrollViewport {
  scrollTop: number;
  height: number;
}

/**
 * Tracks the scroll position and height of `scroller` (measured when it mounts and whenever it
 * resizes); `measure` reads them again (call it from the box's scroll handler) and returns the box.
 */
export function useScrollViewport(scroller: RefObject<HTMLElement | null>): {
  viewport: ScrollViewport;
  measure: () => HTMLElement | undefined;
} {
  const [viewport, setViewport] = useState<ScrollViewport>({ scrollTop: 0, height: 0 });
  const measure = useCallback(() => {
    const element = scroller.current;
    if (!element) return undefined;
    setViewport({ scrollTop: element.scrollTop, height: element.clientHeight });
    return element;
  }, [scroller]);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    measure();
    const observer = new ResizeObserver(() => measure());
    observer.observe(element);
    return () => observer.disconnect();
  }, [measure, scroller]);

  return { viewport, measure };
}
