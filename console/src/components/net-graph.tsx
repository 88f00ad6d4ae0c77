/**
 * The net as a graph of layers and blobs (like Caffe's draw_net), as an SVG the page can scroll. The model and
 * the layout are in net-graph-model.ts; this draws them. Typing in the editor redraws after a short pause,
 * not on every key.
 */
import { useEffect, useId, useMemo, useState } from 'preact/hooks';
import { PrototxtSyntaxError } from '../../../core/prototxt';
import type { NetGraphProps } from '../contracts';
import {
  type Direction,
  layoutNet,
  type NetLayout,
  type NetModel,
  netModel,
  type PlacedEdge,
  type PlacedShape,
} from './net-graph-model';

const REDRAW_DELAY_MS = 300;

type Drawing = { model: NetModel; layout: NetLayout } | { error: string };

export default function NetGraph({ prototxt, phase = 'TRAIN' }: NetGraphProps) {
  const [direction, setDirection] = useState<Direction>('TB');
  const text = useSettled(prototxt, REDRAW_DELAY_MS);
  const drawing = useMemo((): Drawing => {
    try {
      const model = netModel(text, phase);
      return { model, layout: layoutNet(model, direction) };
    } catch (err) {
      if (err instanceof PrototxtSyntaxError)
        return { error: `line ${err.line}, column ${err.column}: ${err.message}` };
      throw err;
    }
  }, [text, phase, direction]);

  return (
    <div class="ec-net-graph">
      <fieldset style={{ border: 0, padding: 0, margin: '0 0 8px', display: 'flex', gap: '8px', alignItems: 'center' }}>
        <legend style={{ float: 'left', padding: 0, marginRight: '4px' }}>Layout</legend>
        <DirectionButton current={direction} value="TB" onPick={setDirection} text="Top to bottom" />
        <DirectionButton current={direction} value="LR" onPick={setDirection} text="Left to right" />
      </fieldset>
      {'error' in drawing ? (
        <p role="status" style={{ color: '#82071e', margin: 0 }}>
          The net cannot be drawn: {drawing.error}
        </p>
      ) : drawing.model.layers.length === 0 ? (
        <p role="status" style={{ margin: 0 }}>
          The net has no layers in the {phase} phase.
        </p>
      ) : (
        <section
          // Focusable so keyboard users can scroll a net larger than the page.
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
          tabIndex={0}
          aria-label="Net graph, scrollable"
          style={{ overflow: 'auto', maxHeight: '75vh', border: '1px solid #d0d7de', borderRadius: '4px' }}
        >
          <NetSvg model={drawing.model} layout={drawing.layout} phase={phase} />
        </section>
      )}
    </div>
  );
}

function DirectionButton(props: {
  current: Direction;
  value: Direction;
  text: string;
  onPick: (value: Direction) => void;
}) {
  const pressed = props.current === props.value;
  return (
    <button
      type="button"
      aria-pressed={pressed}
      onClick={() => props.onPick(props.value)}
      style={pressed ? { background: '#ddf4ff', border: '1px solid #0969da', fontWeight: 600 } : undefined}
    >
      {props.text}
    </button>
  );
}

function NetSvg({ model, layout, phase }: { model: NetModel; layout: NetLayout; phase: string }) {
  const arrow = `ec-net-arrow-${useId().replace(/[^A-Za-z0-9_-]/g, '')}`;
  const title = `${model.name ?? 'Net'} (${phase}): ${model.layers.length} layers, ${model.blobs.length} blobs`;
  return (
    <svg
      role="img"
      aria-label="Net graph"
      width={layout.width}
      height={layout.height}
      viewBox={`0 0 ${layout.width} ${layout.height}`}
      font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
      font-size="12"
      style={{ display: 'block', margin: '0 auto', background: '#ffffff' }}
    >
      <title>{title}</title>
      <desc>{describeLayers(model)}</desc>
      <defs>
        <marker
          id={arrow}
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="7"
          markerHeight="7"
          orient="auto-start-reverse"
        >
          <path d="M0,0 L10,5 L0,10 z" fill="#424a53" />
        </marker>
      </defs>
      {layout.edges.map((edge) => (
        <EdgePath key={`${edge.from}>${edge.to}`} edge={edge} arrow={arrow} />
      ))}
      {layout.shapes.map((shape) => (
        <Shape key={shape.id} shape={shape} />
      ))}
    </svg>
  );
}

function EdgePath({ edge, arrow }: { edge: PlacedEdge; arrow: string }) {
  const d = edge.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
  return (
    <path
      d={d}
      fill="none"
      stroke="#424a53"
      stroke-width="1.25"
      marker-end={`url(#${arrow})`}
      marker-start={edge.twoWay ? `url(#${arrow})` : undefined}
    />
  );
}

function Shape({ shape }: { shape: PlacedShape }) {
  const { x, y, width: w, height: h } = shape;
  const outline =
    shape.kind === 'layer' ? (
      <rect x={x - w / 2} y={y - h / 2} width={w} height={h} rx="3" fill={shape.fill} stroke="#1f2328" />
    ) : (
      <polygon points={octagon(x, y, w, h)} fill={shape.fill} stroke="#57606a" />
    );
  return (
    <g>
      {outline}
      <text x={x} y={y} text-anchor="middle" dominant-baseline="central" fill="#000000">
        {shape.label}
      </text>
    </g>
  );
}

/** Caffe draws blobs as octagons. */
function octagon(x: number, y: number, w: number, h: number): string {
  const c = h * 0.3;
  const [l, r, t, b] = [x - w / 2, x + w / 2, y - h / 2, y + h / 2];
  const points = [
    [l + c, t],
    [r - c, t],
    [r, t + c],
    [r, b - c],
    [r - c, b],
    [l + c, b],
    [l, b - c],
    [l, t + c],
  ];
  return points.map(([px, py]) => `${px!.toFixed(1)},${py!.toFixed(1)}`).join(' ');
}

/** The drawing in words: each layer with what it reads and writes, in net order. */
function describeLayers(model: NetModel): string {
  return model.layers
    .map((l) => `${l.name} (${l.type}): ${l.bottoms.join(', ') || 'no input'} → ${l.tops.join(', ') || 'no output'}`)
    .join('; ');
}

/** `value`, but only once it has stopped changing for `delayMs` (the first value at once). */
function useSettled<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    if (value === settled) return;
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, settled, delayMs]);
  return settled;
}
