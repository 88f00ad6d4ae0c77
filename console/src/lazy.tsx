/**
 * The prototxt editor (CodeMirror) and the net drawing (dagre) are big: they load when a page shows
 * them, each in a chunk of its own, so the first page stays small. A boundary around each keeps the
 * rest of the page on screen while its chunk loads.
 */
import { ErrorBoundary, lazy } from 'preact-iso';
import type { NetGraphProps, PrototxtEditorProps } from './contracts';

const LazyEditor = lazy(() => import('./components/prototxt-editor'));
const LazyGraph = lazy(() => import('./components/net-graph'));

export function PrototxtEditor(props: PrototxtEditorProps) {
  return (
    <ErrorBoundary>
      <LazyEditor {...props} />
    </ErrorBoundary>
  );
}

export function NetGraph(props: NetGraphProps) {
  return (
    <ErrorBoundary>
      <LazyGraph {...props} />
    </ErrorBoundary>
  );
}
